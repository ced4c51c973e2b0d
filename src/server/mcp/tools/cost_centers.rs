//! get_cost_centers (`hrm/Costcenters`) and get_cost_center_report, the profit and loss per cost
//! centre. The report reads `financial/ReportingBalance`, which Exact already sums per GL account,
//! period and cost centre, rather than every transaction line (`TransactionLines` carry the same
//! `CostCenter`): a year is a few pages instead of thousands of lines, within the call's cap.
//!
//! Field lists: Exact's REST reference for HRMCostcenters and FinancialReportingBalance.

use super::{
    ListSpec, ToolCtx, ToolError, cents, chart, check_limit, fetch_all, list_page, periods, row,
};
use crate::server::mcp::odata;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const COST_CENTERS: ListSpec = ListSpec {
    path: "hrm/Costcenters",
    key: "ID",
    select: "ID,Code,Description,EndDate",
    what: "cost centres",
    module: None,
};
const BALANCE_BY_CENTER: ListSpec = ListSpec {
    path: "financial/ReportingBalance",
    key: "ID",
    select: "ID,GLAccountCode,GLAccountDescription,CostCenterCode,CostCenterDescription,Amount",
    what: "reporting balances",
    module: None,
};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Leave out cost centres whose end date has passed (default true).
    pub active_only: Option<bool>,
    /// Text the code or description contains.
    pub search: Option<String>,
    /// Rows per page, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CostCenter {
    pub id: String,
    pub code: String,
    pub description: Option<String>,
    /// Whether it is still in use (no end date, or one in the future).
    pub active: bool,
    pub end_date: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ListOutput {
    pub division: i64,
    pub cost_centers: Vec<CostCenter>,
    pub count: usize,
    pub has_more: bool,
    pub cursor: Option<String>,
}

pub async fn list(ctx: &ToolCtx<'_>, args: ListArgs) -> Result<ListOutput, ToolError> {
    const TOOL: &str = "get_cost_centers";
    let limit = check_limit(args.limit, 100, 500)?;
    let today = ctx.today();
    let mut clauses = Vec::new();
    if let Some(search) = odata::code_or_description_contains(args.search.as_deref())? {
        clauses.push(search);
    }
    if args.active_only.unwrap_or(true) {
        // `Active` is obsolete in Exact's documentation; the end date says it.
        clauses.push(format!(
            "EndDate eq null or EndDate gt {}",
            odata::datetime(today)
        ));
    }
    let target = ctx.target(args.division)?;
    let page = list_page(
        ctx,
        &target,
        (TOOL, &COST_CENTERS),
        odata::all_of(clauses),
        limit,
        args.cursor.as_deref(),
    )
    .await?;
    let cost_centers: Vec<CostCenter> = page
        .rows
        .iter()
        .map(|r| CostCenter {
            id: row::text_or_empty(r, "ID"),
            code: row::text_or_empty(r, "Code"),
            description: row::text(r, "Description"),
            active: row::naive_date(r, "EndDate").is_none_or(|d| d > today),
            end_date: row::date(r, "EndDate"),
        })
        .collect();
    Ok(ListOutput {
        division: target.division,
        count: cost_centers.len(),
        cost_centers,
        has_more: page.has_more(),
        cursor: page.cursor,
    })
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Only this cost centre (its code); all, and the lines without one, when omitted.
    pub cost_center_code: Option<String>,
    /// Financial year (default: the current year).
    #[schemars(range(min = 1900, max = 2100))]
    pub year: Option<i64>,
    /// First period, 1 to 13 (default 1).
    #[schemars(range(min = 1, max = 13))]
    pub period_from: Option<i64>,
    /// Last period, 1 to 13 (default: the current month in the current year, else 12).
    #[schemars(range(min = 1, max = 13))]
    pub period_to: Option<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CenterAccount {
    pub gl_account_code: String,
    pub gl_account_description: String,
    /// revenue, cost_of_sales or operating_expenses.
    pub category: String,
    /// Revenue and costs both positive.
    pub amount: f64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CenterResult {
    /// The cost centre's code; null for lines booked without one.
    pub cost_center_code: Option<String>,
    pub cost_center_description: Option<String>,
    pub revenue: f64,
    pub cost_of_sales: f64,
    pub operating_expenses: f64,
    /// Revenue minus all costs.
    pub result: f64,
    pub accounts: Vec<CenterAccount>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ReportOutput {
    pub division: i64,
    pub year: i64,
    pub period_from: i64,
    pub period_to: i64,
    pub currency: String,
    pub cost_centers: Vec<CenterResult>,
    /// Over the cost centres listed.
    pub total_revenue: f64,
    pub total_result: f64,
}

pub async fn report(ctx: &ToolCtx<'_>, args: ReportArgs) -> Result<ReportOutput, ToolError> {
    let (year, from, to) = periods::period_range(ctx, args.year, args.period_from, args.period_to)?;
    let mut clauses = vec![format!(
        "BalanceType eq 'W' and ReportingYear eq {year} and ReportingPeriod ge {from} and ReportingPeriod le {to}"
    )];
    if let Some(c) = args
        .cost_center_code
        .as_deref()
        .filter(|c| !c.trim().is_empty())
    {
        clauses.push(format!(
            "CostCenterCode eq {}",
            odata::text(&odata::clean_text("cost_center_code", c)?)
        ));
    }
    let target = ctx.target(args.division)?;
    let chart = chart::read(ctx, &target).await?;
    let rows = fetch_all(ctx, &target, &BALANCE_BY_CENTER, odata::all_of(clauses)).await?;
    // Cost centre → (description, GL code → (description, ledger amount)).
    type Accounts = BTreeMap<String, (String, f64)>;
    let mut centers: BTreeMap<Option<String>, (Option<String>, Accounts)> = BTreeMap::new();
    for r in &rows {
        let center = centers
            .entry(row::text(r, "CostCenterCode"))
            .or_insert_with(|| (row::text(r, "CostCenterDescription"), BTreeMap::new()));
        let account = center
            .1
            .entry(row::text_or_empty(r, "GLAccountCode"))
            .or_insert_with(|| (row::text_or_empty(r, "GLAccountDescription"), 0.0));
        account.1 += row::num(r, "Amount");
    }
    let cost_centers: Vec<CenterResult> = centers
        .into_iter()
        .map(|(code, (description, accounts))| {
            let mut sums = [0.0; 3];
            let accounts: Vec<CenterAccount> = accounts
                .into_iter()
                .map(|(gl, (gl_description, amount))| {
                    let category = chart.category(&gl);
                    let (slot, shown) = match category {
                        "revenue" => (0, -amount),
                        "cost_of_sales" => (1, amount),
                        _ => (2, amount),
                    };
                    sums[slot] += shown;
                    CenterAccount {
                        gl_account_code: gl,
                        gl_account_description: gl_description,
                        category: category.to_string(),
                        amount: cents(shown),
                    }
                })
                .collect();
            CenterResult {
                cost_center_code: code,
                cost_center_description: description,
                revenue: cents(sums[0]),
                cost_of_sales: cents(sums[1]),
                operating_expenses: cents(sums[2]),
                result: cents(sums[0] - sums[1] - sums[2]),
                accounts,
            }
        })
        .collect();
    Ok(ReportOutput {
        division: target.division,
        year,
        period_from: from,
        period_to: to,
        currency: "EUR".to_string(),
        total_revenue: cents(cost_centers.iter().map(|c| c.revenue).sum()),
        total_result: cents(cost_centers.iter().map(|c| c.result).sum()),
        cost_centers,
    })
}
