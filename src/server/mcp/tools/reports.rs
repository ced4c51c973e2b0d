//! Reports from Exact's aggregates: get_trial_balance (`financial/ReportingBalance`), get_revenue
//! (`read/financial/RevenueListByYear`) and get_budget_comparison (`budget/Budgets` against the
//! reporting balance). The chart of accounts says which accounts are revenue and which costs.
//!
//! Field lists: Exact's REST reference for FinancialReportingBalance,
//! ReadFinancialRevenueListByYear and BudgetBudgets.

use super::{
    ListSpec, ToolCtx, ToolError, Unavailable, cents, chart, fetch_all, fetch_function, periods,
    row,
};
use crate::server::mcp::odata;
use chrono::Datelike;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const REPORTING_BALANCE: ListSpec = ListSpec {
    path: "financial/ReportingBalance",
    key: "ID",
    select: "ID,BalanceType,GLAccountCode,GLAccountDescription,Amount,AmountDebit,AmountCredit",
    what: "reporting balances",
    module: None,
};
const REVENUE_BY_YEAR: ListSpec = ListSpec {
    path: "read/financial/RevenueListByYear",
    key: "Period",
    select: "Year,Period,Amount",
    what: "revenue",
    module: None,
};
const BUDGETS: ListSpec = ListSpec {
    path: "budget/Budgets",
    key: "ID",
    select: "ID,BudgetScenarioCode,BudgetScenarioDescription,GLAccountCode,GLAccountDescription,AmountDC",
    what: "budgets",
    module: Some("Budgets"),
};

// ---------------------------------------------------------------------------------------------
// Trial balance

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrialBalanceArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Financial year (default: the current year).
    #[schemars(range(min = 1900, max = 2100))]
    pub year: Option<i64>,
    /// Up to and including this period, 1 to 13 (default: the current month in the current
    /// year, else 12).
    #[schemars(range(min = 1, max = 13))]
    pub period: Option<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TrialBalanceLine {
    pub gl_account_code: String,
    pub gl_account_description: String,
    /// balance or profitloss.
    pub balance_type: String,
    pub debit: f64,
    pub credit: f64,
    /// Debit minus credit: positive is a debit balance.
    pub balance: f64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TrialBalanceOutput {
    pub division: i64,
    pub year: i64,
    /// The balances run from the start of the year (with Exact's opening balance) through this
    /// period.
    pub period: i64,
    pub currency: String,
    pub lines: Vec<TrialBalanceLine>,
    pub total_debit: f64,
    pub total_credit: f64,
    /// Total debit minus total credit: 0 when the books balance.
    pub difference: f64,
}

pub async fn trial_balance(
    ctx: &ToolCtx<'_>,
    args: TrialBalanceArgs,
) -> Result<TrialBalanceOutput, ToolError> {
    let (year, period) = periods::year_and_period(ctx, args.year, ("period", args.period))?;
    let target = ctx.target(args.division)?;
    let rows = fetch_all(
        ctx,
        &target,
        &REPORTING_BALANCE,
        Some(format!(
            "ReportingYear eq {year} and ReportingPeriod le {period}"
        )),
    )
    .await?;
    // Code → (description, profit and loss, debit, credit); Exact groups per cost centre, type
    // and status as well, so an account has several rows.
    let mut accounts: BTreeMap<String, (String, bool, f64, f64)> = BTreeMap::new();
    for r in &rows {
        let a = accounts
            .entry(row::text_or_empty(r, "GLAccountCode"))
            .or_insert_with(|| {
                (
                    row::text_or_empty(r, "GLAccountDescription"),
                    row::text(r, "BalanceType").as_deref() == Some("W"),
                    0.0,
                    0.0,
                )
            });
        a.2 += row::num(r, "AmountDebit");
        a.3 += row::num(r, "AmountCredit");
    }
    let lines: Vec<TrialBalanceLine> = accounts
        .into_iter()
        .map(
            |(code, (description, pl, debit, credit))| TrialBalanceLine {
                gl_account_code: code,
                gl_account_description: description,
                balance_type: if pl { "profitloss" } else { "balance" }.to_string(),
                debit: cents(debit),
                credit: cents(credit),
                balance: cents(debit - credit),
            },
        )
        .collect();
    let total_debit: f64 = lines.iter().map(|l| l.debit).sum();
    let total_credit: f64 = lines.iter().map(|l| l.credit).sum();
    Ok(TrialBalanceOutput {
        division: target.division,
        year,
        period,
        currency: "EUR".to_string(),
        lines,
        total_debit: cents(total_debit),
        total_credit: cents(total_credit),
        difference: cents(total_debit - total_credit),
    })
}

// ---------------------------------------------------------------------------------------------
// Revenue

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevenueArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Financial year (default: the current year).
    #[schemars(range(min = 1900, max = 2100))]
    pub year: Option<i64>,
    /// Also give the previous year's revenue per period and the change (default false).
    #[serde(default)]
    pub compare_previous_year: bool,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RevenuePeriod {
    pub period: i64,
    pub revenue: f64,
    pub previous_year_revenue: Option<f64>,
    /// Revenue minus the previous year's.
    pub change: Option<f64>,
    /// The change as a percentage of the previous year's revenue (null without it).
    pub change_percentage: Option<f64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RevenueOutput {
    pub division: i64,
    pub year: i64,
    pub currency: String,
    pub periods: Vec<RevenuePeriod>,
    pub total: f64,
    pub previous_year_total: Option<f64>,
    pub change_percentage: Option<f64>,
}

/// `(a - b) / |b|` as a percentage with one decimal; `None` when `b` is zero.
pub fn change_percentage(a: f64, b: f64) -> Option<f64> {
    (b.abs() > 0.005).then(|| ((a - b) / b.abs() * 1000.0).round() / 10.0)
}

/// Revenue per period of `year`, as Exact's revenue list gives it.
async fn revenue_of(
    ctx: &ToolCtx<'_>,
    target: &crate::server::mcp::caller::Target,
    year: i64,
) -> Result<BTreeMap<i64, f64>, ToolError> {
    let rows = fetch_function(
        ctx,
        target,
        &REVENUE_BY_YEAR,
        vec![("year", year.to_string())],
    )
    .await?;
    let mut periods = BTreeMap::new();
    for r in &rows {
        if let Some(p) = row::int(r, "Period") {
            *periods.entry(p).or_insert(0.0) += row::num(r, "Amount");
        }
    }
    Ok(periods)
}

pub async fn revenue(ctx: &ToolCtx<'_>, args: RevenueArgs) -> Result<RevenueOutput, ToolError> {
    let this_year = i64::from(ctx.today().year());
    let year = odata::check_year("year", args.year.unwrap_or(this_year))?;
    let target = ctx.target(args.division)?;
    let current = revenue_of(ctx, &target, year).await?;
    let previous = if args.compare_previous_year {
        Some(revenue_of(ctx, &target, year - 1).await?)
    } else {
        None
    };
    let mut keys: Vec<i64> = current.keys().copied().collect();
    if let Some(p) = &previous {
        keys.extend(p.keys());
    }
    keys.sort_unstable();
    keys.dedup();
    let periods: Vec<RevenuePeriod> = keys
        .into_iter()
        .map(|p| {
            let now = current.get(&p).copied().unwrap_or(0.0);
            let before = previous.as_ref().map(|m| m.get(&p).copied().unwrap_or(0.0));
            RevenuePeriod {
                period: p,
                revenue: cents(now),
                previous_year_revenue: before.map(cents),
                change: before.map(|b| cents(now - b)),
                change_percentage: before.and_then(|b| change_percentage(now, b)),
            }
        })
        .collect();
    let total: f64 = current.values().sum();
    let previous_total: Option<f64> = previous.as_ref().map(|m| m.values().sum());
    Ok(RevenueOutput {
        division: target.division,
        year,
        currency: "EUR".to_string(),
        periods,
        total: cents(total),
        previous_year_total: previous_total.map(cents),
        change_percentage: previous_total.and_then(|b| change_percentage(total, b)),
    })
}

// ---------------------------------------------------------------------------------------------
// Budget comparison

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
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
pub struct BudgetLine {
    pub gl_account_code: String,
    pub gl_account_description: String,
    /// revenue, cost_of_sales or operating_expenses.
    pub category: String,
    /// Revenue and costs both positive.
    pub budget: f64,
    pub actual: f64,
    /// Actual minus budget.
    pub variance: f64,
    /// The variance as a percentage of the budget (null without a budget).
    pub variance_percentage: Option<f64>,
    /// More revenue or less cost than budgeted.
    pub favourable: bool,
}

#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct BudgetTotals {
    pub budget: f64,
    pub actual: f64,
    pub variance: f64,
    pub variance_percentage: Option<f64>,
}

#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct BudgetOutput {
    pub division: i64,
    pub year: i64,
    pub period_from: i64,
    pub period_to: i64,
    pub currency: String,
    /// The budget scenario compared (its code and description).
    pub scenario: Option<String>,
    /// Other scenarios this administration has for the periods, not compared.
    pub other_scenarios: Vec<String>,
    pub revenue: BudgetTotals,
    pub costs: BudgetTotals,
    /// Revenue minus costs.
    pub result: BudgetTotals,
    pub lines: Vec<BudgetLine>,
    pub method: String,
    /// Set when the administration's licence lacks the budget module (nothing is compared).
    pub unavailable: Option<String>,
}

impl Unavailable for BudgetOutput {
    fn unavailable(division: i64, message: String) -> Self {
        BudgetOutput {
            division,
            currency: "EUR".into(),
            unavailable: Some(message),
            ..Default::default()
        }
    }
}

fn totals(budget: f64, actual: f64) -> BudgetTotals {
    BudgetTotals {
        budget: cents(budget),
        actual: cents(actual),
        variance: cents(actual - budget),
        variance_percentage: change_percentage(actual, budget),
    }
}

pub async fn budget_comparison(
    ctx: &ToolCtx<'_>,
    args: BudgetArgs,
) -> Result<BudgetOutput, ToolError> {
    let (year, from, to) = periods::period_range(ctx, args.year, args.period_from, args.period_to)?;
    let target = ctx.target(args.division)?;
    let range = |y: &str, p: &str| format!("{y} eq {year} and {p} ge {from} and {p} le {to}");
    let budgets = fetch_all(
        ctx,
        &target,
        &BUDGETS,
        Some(range("ReportingYear", "ReportingPeriod")),
    )
    .await?;
    let chart = chart::read(ctx, &target).await?;
    let actuals = fetch_all(
        ctx,
        &target,
        &REPORTING_BALANCE,
        Some(format!(
            "BalanceType eq 'W' and {}",
            range("ReportingYear", "ReportingPeriod")
        )),
    )
    .await?;
    // Budgets exist per scenario: compare one (the first by code), name the others.
    let mut scenarios: Vec<String> = budgets
        .iter()
        .filter_map(|b| row::text(b, "BudgetScenarioCode"))
        .collect();
    scenarios.sort();
    scenarios.dedup();
    let chosen = scenarios.first().cloned();
    let describe = |code: &str| {
        budgets
            .iter()
            .find(|b| row::text(b, "BudgetScenarioCode").as_deref() == Some(code))
            .and_then(|b| row::text(b, "BudgetScenarioDescription"))
            .map_or(code.to_string(), |d| format!("{code} ({d})"))
    };
    // Code → (description, budget, actual), in ledger signs (revenue negative).
    let mut lines: BTreeMap<String, (String, f64, f64)> = BTreeMap::new();
    for b in budgets
        .iter()
        .filter(|b| row::text(b, "BudgetScenarioCode") == chosen)
    {
        let code = row::text_or_empty(b, "GLAccountCode");
        // Balance sheet budgets are not part of a P&L comparison.
        if chart.get(&code).is_some_and(|a| !a.profit_loss) {
            continue;
        }
        let entry = lines
            .entry(code)
            .or_insert_with(|| (row::text_or_empty(b, "GLAccountDescription"), 0.0, 0.0));
        entry.1 += row::num(b, "AmountDC");
    }
    for r in &actuals {
        let entry = lines
            .entry(row::text_or_empty(r, "GLAccountCode"))
            .or_insert_with(|| (row::text_or_empty(r, "GLAccountDescription"), 0.0, 0.0));
        entry.2 += row::num(r, "Amount");
    }
    let (mut revenue, mut costs) = ((0.0, 0.0), (0.0, 0.0));
    let lines: Vec<BudgetLine> = lines
        .into_iter()
        .map(|(code, (description, budget, actual))| {
            let category = chart.category(&code);
            let is_revenue = category == "revenue";
            // Revenue is credit (negative) in the ledger and the budget; show it positive.
            let sign = if is_revenue { -1.0 } else { 1.0 };
            let (budget, actual) = (sign * budget, sign * actual);
            let sums = if is_revenue { &mut revenue } else { &mut costs };
            sums.0 += budget;
            sums.1 += actual;
            let variance = actual - budget;
            BudgetLine {
                gl_account_code: code,
                gl_account_description: description,
                category: category.to_string(),
                budget: cents(budget),
                actual: cents(actual),
                variance: cents(variance),
                variance_percentage: change_percentage(actual, budget),
                favourable: if is_revenue {
                    variance >= 0.0
                } else {
                    variance <= 0.0
                },
            }
        })
        .collect();
    Ok(BudgetOutput {
        division: target.division,
        year,
        period_from: from,
        period_to: to,
        currency: "EUR".to_string(),
        scenario: chosen.as_deref().map(describe),
        other_scenarios: scenarios.iter().skip(1).map(|c| describe(c)).collect(),
        revenue: totals(revenue.0, revenue.1),
        costs: totals(costs.0, costs.1),
        result: totals(revenue.0 - costs.0, revenue.1 - costs.1),
        lines,
        method:
            "Budget: the scenario's amounts per profit-and-loss account summed over the periods; \
                 actual: the reporting balance of the same account and periods. Revenue and costs \
                 are shown positive; variance = actual - budget; variance_percentage = variance / \
                 |budget| x 100, one decimal; amounts rounded to the cent."
                .to_string(),
        unavailable: None,
    })
}
