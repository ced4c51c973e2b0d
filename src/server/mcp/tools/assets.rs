//! get_fixed_assets (`assets/Assets`) and get_depreciation_schedule. Exact has no schedule
//! endpoint: the schedule is planned here from the asset (investment, residual value, start date)
//! and its straight-line method (`assets/DepreciationMethods`), and set beside what was posted
//! (`financialtransaction/TransactionLines` of type 70, asset depreciation).
//!
//! Field lists: Exact's REST reference for AssetsAssets, AssetsDepreciationMethods and
//! FinancialTransactionTransactionLines.

use super::{ListSpec, ToolCtx, ToolError, cents, chart, check_limit, fetch_all, list_page, row};
use crate::server::mcp::odata;
use chrono::{Datelike, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;

const MODULE: Option<&str> = Some("Fixed assets");
const ASSETS: ListSpec = ListSpec {
    path: "assets/Assets",
    key: "ID",
    select: "ID,Code,Description,AssetGroupCode,AssetGroupDescription,Status,InvestmentDate,InvestmentAmountDC,InvestmentCurrency,ResidualValue,StartDate,EndDate,PrimaryMethod,PrimaryMethodCode,PrimaryMethodDescription,Costcenter",
    what: "fixed assets",
    module: MODULE,
};
const METHODS: ListSpec = ListSpec {
    path: "assets/DepreciationMethods",
    key: "ID",
    select: "ID,Type,Periods",
    what: "depreciation methods",
    module: MODULE,
};
const DEPRECIATION_LINES: ListSpec = ListSpec {
    path: "financialtransaction/TransactionLines",
    key: "ID",
    select: "ID,Asset,FinancialPeriod,GLAccountCode,AmountDC",
    what: "depreciation transactions",
    module: None,
};

/// Exact's straight-line depreciation method type.
const LINEAR: i64 = 3;

fn status_label(status: Option<i64>) -> &'static str {
    match status {
        Some(1) => "active",
        Some(2) => "not_validated",
        Some(3) => "inactive",
        Some(4) => "depreciated",
        Some(5) => "blocked",
        Some(6) => "sold",
        _ => "unknown",
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AssetStatus {
    /// Still owned: depreciating, or fully depreciated.
    #[default]
    Active,
    Sold,
    /// Taken out of use (Exact's "inactive").
    Scrapped,
    All,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetsArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// active (default), sold, scrapped or all.
    #[serde(default)]
    pub status: AssetStatus,
    /// Only this asset group code.
    pub asset_group: Option<String>,
    /// Text the code or description contains.
    pub search: Option<String>,
    /// Rows per page, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Asset {
    pub id: String,
    pub code: String,
    pub description: String,
    pub asset_group_code: Option<String>,
    pub asset_group: Option<String>,
    /// active, depreciated, inactive, sold, blocked or not_validated.
    pub status: String,
    pub investment_date: Option<String>,
    pub investment_amount: f64,
    pub currency: String,
    pub residual_value: f64,
    /// The first day depreciated.
    pub depreciation_start: Option<String>,
    /// When it was sold or taken out of use.
    pub end_date: Option<String>,
    pub depreciation_method: Option<String>,
    pub cost_center: Option<String>,
}

#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct AssetsOutput {
    pub division: i64,
    pub assets: Vec<Asset>,
    pub count: usize,
    /// Investment of the assets on this page.
    pub total_investment: f64,
    pub has_more: bool,
    pub cursor: Option<String>,
    /// Set when the administration's licence lacks the fixed assets module (the list is empty).
    pub unavailable: Option<String>,
}

pub async fn list(ctx: &ToolCtx<'_>, args: AssetsArgs) -> Result<AssetsOutput, ToolError> {
    const TOOL: &str = "get_fixed_assets";
    let limit = check_limit(args.limit, 100, 500)?;
    let mut clauses = vec![
        match args.status {
            AssetStatus::Active => "Status eq 1 or Status eq 4",
            AssetStatus::Sold => "Status eq 6",
            AssetStatus::Scrapped => "Status eq 3",
            AssetStatus::All => "",
        }
        .to_string(),
    ];
    if let Some(g) = args.asset_group.as_deref().filter(|g| !g.trim().is_empty()) {
        clauses.push(format!(
            "AssetGroupCode eq {}",
            odata::text(&odata::clean_text("asset_group", g)?)
        ));
    }
    if let Some(search) = odata::code_or_description_contains(args.search.as_deref())? {
        clauses.push(search);
    }
    let target = ctx.target(args.division)?;
    let page = list_page(
        ctx,
        &target,
        (TOOL, &ASSETS),
        odata::all_of(clauses),
        limit,
        args.cursor.as_deref(),
    )
    .await?;
    let assets: Vec<Asset> = page.rows.iter().map(asset).collect();
    Ok(AssetsOutput {
        division: target.division,
        count: assets.len(),
        total_investment: cents(assets.iter().map(|a| a.investment_amount).sum()),
        assets,
        has_more: page.has_more(),
        cursor: page.cursor,
        unavailable: None,
    })
}

fn asset(r: &Value) -> Asset {
    Asset {
        id: row::text_or_empty(r, "ID"),
        code: row::text_or_empty(r, "Code"),
        description: row::text_or_empty(r, "Description"),
        asset_group_code: row::text(r, "AssetGroupCode"),
        asset_group: row::text(r, "AssetGroupDescription"),
        status: status_label(row::int(r, "Status")).to_string(),
        investment_date: row::date(r, "InvestmentDate"),
        investment_amount: cents(row::num(r, "InvestmentAmountDC")),
        currency: row::text(r, "InvestmentCurrency").unwrap_or_else(|| "EUR".into()),
        residual_value: cents(row::num(r, "ResidualValue")),
        depreciation_start: row::date(r, "StartDate"),
        end_date: row::date(r, "EndDate"),
        depreciation_method: row::text(r, "PrimaryMethodDescription")
            .or_else(|| row::text(r, "PrimaryMethodCode")),
        cost_center: row::text(r, "Costcenter"),
    }
}

// ---------------------------------------------------------------------------------------------
// Depreciation schedule

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// One asset's ID (GUID, see get_fixed_assets); all assets when omitted.
    pub asset_id: Option<String>,
    /// Financial year (default: the current year).
    #[schemars(range(min = 1900, max = 2100))]
    pub year: Option<i64>,
    /// Schedule rows per page, 1 to 1000 (default 100); a page holds whole assets.
    #[schemars(range(min = 1, max = 1000))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ScheduleRow {
    pub asset_id: String,
    pub asset_code: String,
    pub description: String,
    pub year: i64,
    pub period: i64,
    /// Depreciation by the asset's straight-line plan (null when its method is not
    /// straight-line over periods).
    pub planned: Option<f64>,
    /// Depreciation posted in Exact for the period (0 when none).
    pub posted: f64,
    /// Investment minus planned depreciation through this period.
    pub book_value_end: Option<f64>,
}

#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct ScheduleOutput {
    pub division: i64,
    pub year: i64,
    pub rows: Vec<ScheduleRow>,
    pub count: usize,
    pub planned_total: f64,
    pub posted_total: f64,
    pub has_more: bool,
    pub cursor: Option<String>,
    pub method: String,
    /// Set when the administration's licence lacks the fixed assets module (nothing is listed).
    pub unavailable: Option<String>,
}

/// An asset's straight-line plan: the depreciable amount (investment minus residual value, in
/// cents) in `periods` monthly parts from the month of `start`, each rounded down to the cent,
/// the last taking what rounding left.
struct Plan {
    investment: i64,
    total: i64,
    periods: i64,
    start: (i64, i64),
}

impl Plan {
    fn month(&self, year: i64, period: i64) -> i64 {
        let k = (year - self.start.0) * 12 + period - self.start.1;
        if k < 0 || k >= self.periods {
            return 0;
        }
        let each = self.total / self.periods;
        if k == self.periods - 1 {
            self.total - each * (self.periods - 1)
        } else {
            each
        }
    }

    /// Planned depreciation from the start through (year, period).
    fn through(&self, year: i64, period: i64) -> i64 {
        let k = ((year - self.start.0) * 12 + period - self.start.1 + 1).clamp(0, self.periods);
        let each = self.total / self.periods;
        if k == self.periods {
            self.total
        } else {
            each * k
        }
    }
}

fn to_cents(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

fn plan(r: &Value, methods: &HashMap<String, (Option<i64>, Option<i64>)>) -> Option<Plan> {
    let (kind, periods) = methods.get(&row::text(r, "PrimaryMethod")?)?;
    let periods = periods.filter(|p| *p > 0)?;
    if *kind != Some(LINEAR) {
        return None;
    }
    let start: NaiveDate = row::naive_date(r, "StartDate")?;
    let investment = to_cents(row::num(r, "InvestmentAmountDC"));
    Some(Plan {
        investment,
        total: investment - to_cents(row::num(r, "ResidualValue")),
        periods,
        start: (i64::from(start.year()), i64::from(start.month())),
    })
}

pub async fn schedule(ctx: &ToolCtx<'_>, args: ScheduleArgs) -> Result<ScheduleOutput, ToolError> {
    const TOOL: &str = "get_depreciation_schedule";
    let limit = check_limit(args.limit, 100, 1000)?;
    let year = odata::check_year("year", args.year.unwrap_or(i64::from(ctx.today().year())))?;
    let asset_id = args
        .asset_id
        .as_deref()
        .filter(|a| !a.trim().is_empty())
        .map(|a| odata::parse_guid("asset_id", a))
        .transpose()?;
    let target = ctx.target(args.division)?;
    // Whole assets per page: up to 12 rows each.
    let per_page = (limit / 12).max(1);
    let page = list_page(
        ctx,
        &target,
        (TOOL, &ASSETS),
        asset_id
            .as_ref()
            .map(|id| format!("ID eq {}", odata::guid(id))),
        per_page,
        args.cursor.as_deref(),
    )
    .await?;
    let methods: HashMap<String, (Option<i64>, Option<i64>)> =
        fetch_all(ctx, &target, &METHODS, None)
            .await?
            .iter()
            .filter_map(|m| {
                Some((
                    row::text(m, "ID")?,
                    (row::int(m, "Type"), row::int(m, "Periods")),
                ))
            })
            .collect();
    let chart = chart::read(ctx, &target).await?;
    let mut clauses = vec![format!("Type eq 70 and FinancialYear eq {year}")];
    if let Some(id) = &asset_id {
        clauses.push(format!("Asset eq {}", odata::guid(id)));
    }
    let lines = fetch_all(ctx, &target, &DEPRECIATION_LINES, odata::all_of(clauses)).await?;
    // (asset ID, period) → posted depreciation: the profit-and-loss side of the entries.
    let mut posted: HashMap<(String, i64), f64> = HashMap::new();
    for l in &lines {
        let pl = row::text(l, "GLAccountCode")
            .and_then(|c| chart.get(&c).map(|a| a.profit_loss))
            .unwrap_or(false);
        if let (true, Some(asset), Some(period)) =
            (pl, row::text(l, "Asset"), row::int(l, "FinancialPeriod"))
        {
            *posted.entry((asset.to_lowercase(), period)).or_default() += row::num(l, "AmountDC");
        }
    }
    let mut rows = Vec::new();
    for a in &page.rows {
        let id = row::text_or_empty(a, "ID");
        let plan = plan(a, &methods);
        for period in 1..=12 {
            let planned = plan.as_ref().map(|p| p.month(year, period));
            let booked = posted
                .get(&(id.to_lowercase(), period))
                .copied()
                .unwrap_or(0.0);
            if planned.unwrap_or(0) == 0 && booked.abs() < 0.005 {
                continue;
            }
            rows.push(ScheduleRow {
                asset_id: id.clone(),
                asset_code: row::text_or_empty(a, "Code"),
                description: row::text_or_empty(a, "Description"),
                year,
                period,
                planned: planned.map(|c| c as f64 / 100.0),
                posted: cents(booked),
                book_value_end: plan
                    .as_ref()
                    .map(|p| (p.investment - p.through(year, period)) as f64 / 100.0),
            });
        }
    }
    Ok(ScheduleOutput {
        division: target.division,
        year,
        count: rows.len(),
        planned_total: cents(rows.iter().filter_map(|r| r.planned).sum()),
        posted_total: cents(rows.iter().map(|r| r.posted).sum()),
        rows,
        has_more: page.has_more(),
        cursor: page.cursor,
        method: "Planned: straight line over the method's periods from the asset's start month: \
                 (investment - residual value) / periods per month, rounded down to the cent, the \
                 last month taking the rest. Posted: the asset's depreciation entries (transaction \
                 type 70) on profit-and-loss accounts. Only periods with either are listed."
            .to_string(),
        unavailable: None,
    })
}

super::unavailable_is_empty!(AssetsOutput, ScheduleOutput);
