//! get_sales_contracts and get_recurring_revenue, from `subscription/Subscriptions`, their
//! `SubscriptionLines` and `SubscriptionTypes`. An administration whose licence lacks the
//! subscription module gets an ordinary answer saying so.
//!
//! The one rule for recurring revenue: a subscription is active on a day when it has started,
//! has not ended and is not cancelled by then; its lines in force that day count. A line's amount
//! is what one invoice period costs; the period is on the subscription's type (`InvoicePeriod`
//! with `InvoicePeriodUnit`: wk, mm, qt, hy, yy). Monthly value = amount / months in the period
//! (a week is 12/52 of a month); MRR is the sum, ARR is 12 x MRR.
//!
//! Field lists: Exact's REST reference for Subscriptions, SubscriptionLines, SubscriptionTypes.

use super::{
    ListSpec, ToolCtx, ToolError, Unavailable, cents, check_limit, fetch_all, fetch_for_ids,
    list_page, row, rows_of,
};
use crate::server::mcp::odata;
use chrono::{Days, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;

const MODULE: Option<&str> = Some("Subscriptions");

const SUBSCRIPTIONS: ListSpec = ListSpec {
    path: "subscription/Subscriptions",
    key: "EntryID",
    select: "EntryID,Number,Description,OrderedBy,OrderedByName,StartDate,EndDate,CancellationDate,InvoicedTo,SubscriptionType,SubscriptionTypeDescription,Currency",
    what: "subscriptions",
    module: MODULE,
};
const LINES: ListSpec = ListSpec {
    path: "subscription/SubscriptionLines",
    key: "ID",
    select: "ID,EntryID,LineNumber,Item,Description,Quantity,UnitPrice,NetPrice,AmountDC,FromDate,ToDate",
    what: "subscription lines",
    module: MODULE,
};
const TYPES: ListSpec = ListSpec {
    path: "subscription/SubscriptionTypes",
    key: "ID",
    select: "ID,Code,Description,InvoicePeriod,InvoicePeriodUnit",
    what: "subscription types",
    module: MODULE,
};

/// An invoice period: how many units of what.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Period {
    count: i64,
    unit: Unit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Week,
    Month,
    Quarter,
    HalfYear,
    Year,
}

impl Period {
    fn parse(count: Option<i64>, unit: Option<&str>) -> Option<Period> {
        let unit = match unit?.trim().to_ascii_lowercase().as_str() {
            "wk" => Unit::Week,
            "mm" => Unit::Month,
            "qt" => Unit::Quarter,
            "hy" => Unit::HalfYear,
            "yy" => Unit::Year,
            _ => return None,
        };
        let count = count.unwrap_or(1);
        (count > 0).then_some(Period { count, unit })
    }

    /// How many months one period lasts.
    fn months(self) -> f64 {
        let per_unit = match self.unit {
            Unit::Week => 12.0 / 52.0,
            Unit::Month => 1.0,
            Unit::Quarter => 3.0,
            Unit::HalfYear => 6.0,
            Unit::Year => 12.0,
        };
        per_unit * self.count as f64
    }

    fn words(self) -> String {
        let (one, many) = match self.unit {
            Unit::Week => ("weekly", "weeks"),
            Unit::Month => ("monthly", "months"),
            Unit::Quarter => ("quarterly", "quarters"),
            Unit::HalfYear => ("half-yearly", "half years"),
            Unit::Year => ("yearly", "years"),
        };
        if self.count == 1 {
            one.to_string()
        } else {
            format!("every {} {many}", self.count)
        }
    }
}

/// The invoice period of each subscription type, by the type's ID (lower case).
async fn periods(
    ctx: &ToolCtx<'_>,
    target: &crate::server::mcp::caller::Target,
) -> Result<HashMap<String, Option<Period>>, ToolError> {
    let rows = fetch_all(ctx, target, &TYPES, None).await?;
    Ok(rows
        .iter()
        .filter_map(|t| {
            let id = row::text(t, "ID")?.to_lowercase();
            let period = Period::parse(
                row::int(t, "InvoicePeriod"),
                row::text(t, "InvoicePeriodUnit").as_deref(),
            );
            Some((id, period))
        })
        .collect())
}

fn period_of(types: &HashMap<String, Option<Period>>, sub: &Value) -> Option<Period> {
    row::text(sub, "SubscriptionType").and_then(|t| types.get(&t.to_lowercase()).copied().flatten())
}

/// active, cancelled, ended or future, on `today`.
fn state(sub: &Value, today: NaiveDate) -> &'static str {
    let start = row::naive_date(sub, "StartDate");
    let end = row::naive_date(sub, "EndDate");
    let cancelled = row::naive_date(sub, "CancellationDate");
    if cancelled.is_some_and(|c| c <= today) {
        "cancelled"
    } else if end.is_some_and(|e| e < today) {
        "ended"
    } else if start.is_some_and(|s| s > today) {
        "future"
    } else {
        "active"
    }
}

fn line_in_force(line: &Value, today: NaiveDate) -> bool {
    row::naive_date(line, "FromDate").is_none_or(|f| f <= today)
        && row::naive_date(line, "ToDate").is_none_or(|t| t >= today)
}

/// The monthly value of a subscription on `today` by the rule above (0 unless active).
fn monthly(sub: &Value, lines: &[Value], period: Option<Period>, today: NaiveDate) -> f64 {
    if state(sub, today) != "active" {
        return 0.0;
    }
    let id = row::text_or_empty(sub, "EntryID");
    let months = period.map_or(1.0, Period::months);
    rows_of(lines, "EntryID", &id)
        .filter(|l| line_in_force(l, today))
        .map(|l| row::num(l, "AmountDC") / months)
        .sum()
}

// ---------------------------------------------------------------------------------------------
// Sales contracts

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractsArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Only this customer's subscriptions (its ID, a GUID, from get_relations or search_relations).
    pub account_id: Option<String>,
    /// Only subscriptions active today: started, not ended, not cancelled (default true).
    #[serde(default = "yes")]
    pub active_only: bool,
    /// Rows per page, 1 to 200 (default 50).
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ContractLine {
    pub item_id: Option<String>,
    pub description: Option<String>,
    pub quantity: f64,
    pub unit_price: f64,
    /// What one invoice period costs, excluding VAT.
    pub amount_per_period: f64,
    pub from_date: Option<String>,
    pub to_date: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Contract {
    pub id: String,
    pub number: Option<i64>,
    pub description: Option<String>,
    pub customer_id: Option<String>,
    pub customer_name: Option<String>,
    pub subscription_type: Option<String>,
    /// monthly, quarterly, yearly, ... (from the subscription type); null when Exact gives none.
    pub invoice_period: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub cancellation_date: Option<String>,
    /// active, cancelled, ended or future (today).
    pub status: String,
    /// Invoiced up to this day.
    pub invoiced_to: Option<String>,
    pub currency: String,
    pub lines: Vec<ContractLine>,
    /// Sum of the lines in force today, per invoice period.
    pub amount_per_period: f64,
    /// Its monthly value today (0 unless active), by the rule in `method`.
    pub monthly_value: f64,
}

#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct ContractsOutput {
    pub division: i64,
    pub contracts: Vec<Contract>,
    pub count: usize,
    /// Sum of `monthly_value` over this page.
    pub total_monthly_value: f64,
    pub has_more: bool,
    pub cursor: Option<String>,
    pub method: String,
    /// Set when the administration's licence lacks the subscription module (the list is empty).
    pub unavailable: Option<String>,
}

impl Unavailable for ContractsOutput {
    fn unavailable(division: i64, message: String) -> Self {
        ContractsOutput {
            division,
            unavailable: Some(message),
            method: METHOD.to_string(),
            ..Default::default()
        }
    }
}

const METHOD: &str = "Active today: started, not ended and not cancelled. A line's amount is one \
                      invoice period's price (the period is on the subscription type); monthly \
                      value = the amounts of the lines in force today / months in the period; \
                      MRR is their sum and ARR = 12 x MRR.";

/// The filter of subscriptions active on `today`.
fn active_clause(today: NaiveDate) -> String {
    let d = odata::datetime(today);
    format!(
        "StartDate le {d} and (EndDate eq null or EndDate ge {d}) and (CancellationDate eq null or CancellationDate gt {d})"
    )
}

pub async fn contracts(
    ctx: &ToolCtx<'_>,
    args: ContractsArgs,
) -> Result<ContractsOutput, ToolError> {
    const TOOL: &str = "get_sales_contracts";
    let limit = check_limit(args.limit, 50, 200)?;
    let mut clauses = Vec::new();
    clauses.extend(odata::guid_clause(
        "OrderedBy",
        ("account_id", args.account_id.as_deref()),
    )?);
    let today = ctx.today();
    if args.active_only {
        clauses.push(active_clause(today));
    }
    let target = ctx.target(args.division)?;
    let page = list_page(
        ctx,
        &target,
        (TOOL, &SUBSCRIPTIONS),
        odata::all_of(clauses),
        limit,
        args.cursor.as_deref(),
    )
    .await?;
    let types = periods(ctx, &target).await?;
    let ids: Vec<String> = page
        .rows
        .iter()
        .filter_map(|r| row::text(r, "EntryID"))
        .collect();
    let lines = fetch_for_ids(ctx, &target, (&LINES, "EntryID"), &ids, None, 10).await?;
    let contracts: Vec<Contract> = page
        .rows
        .iter()
        .map(|s| contract(s, &lines, period_of(&types, s), today))
        .collect();
    Ok(ContractsOutput {
        division: target.division,
        count: contracts.len(),
        total_monthly_value: cents(contracts.iter().map(|c| c.monthly_value).sum()),
        contracts,
        has_more: page.has_more(),
        cursor: page.cursor,
        method: METHOD.to_string(),
        unavailable: None,
    })
}

fn contract(s: &Value, lines: &[Value], period: Option<Period>, today: NaiveDate) -> Contract {
    let id = row::text_or_empty(s, "EntryID");
    let mut own: Vec<&Value> = rows_of(lines, "EntryID", &id).collect();
    own.sort_by_key(|l| row::int(l, "LineNumber"));
    Contract {
        number: row::int(s, "Number"),
        description: row::text(s, "Description"),
        customer_id: row::text(s, "OrderedBy"),
        customer_name: row::text(s, "OrderedByName"),
        subscription_type: row::text(s, "SubscriptionTypeDescription"),
        invoice_period: period.map(Period::words),
        start_date: row::date(s, "StartDate"),
        end_date: row::date(s, "EndDate"),
        cancellation_date: row::date(s, "CancellationDate"),
        status: state(s, today).to_string(),
        invoiced_to: row::date(s, "InvoicedTo"),
        currency: row::text(s, "Currency").unwrap_or_else(|| "EUR".into()),
        amount_per_period: cents(
            own.iter()
                .filter(|l| line_in_force(l, today))
                .map(|l| row::num(l, "AmountDC"))
                .sum(),
        ),
        monthly_value: cents(monthly(s, lines, period, today)),
        lines: own
            .iter()
            .map(|l| ContractLine {
                item_id: row::text(l, "Item"),
                description: row::text(l, "Description"),
                quantity: row::num(l, "Quantity"),
                unit_price: row::num(l, "NetPrice"),
                amount_per_period: cents(row::num(l, "AmountDC")),
                from_date: row::date(l, "FromDate"),
                to_date: row::date(l, "ToDate"),
            })
            .collect(),
        id,
    }
}

// ---------------------------------------------------------------------------------------------
// Recurring revenue

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecurringArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ByType {
    pub subscription_type: String,
    pub invoice_period: Option<String>,
    pub active: usize,
    pub mrr: f64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ByCustomer {
    pub customer_id: Option<String>,
    pub customer_name: Option<String>,
    pub mrr: f64,
    /// Share of the total MRR, 0 to 100.
    pub share_percent: f64,
}

#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct RecurringOutput {
    pub division: i64,
    /// The day the figures are for (today).
    pub as_of: String,
    pub currency: String,
    pub mrr: f64,
    pub arr: f64,
    pub active_subscriptions: usize,
    pub active_customers: usize,
    pub by_type: Vec<ByType>,
    /// The ten largest customers by MRR.
    pub top_customers: Vec<ByCustomer>,
    /// Subscriptions that ended or were cancelled in the last twelve months, and the monthly
    /// value they had (their lines, by the same rule).
    pub churned_last_12_months: usize,
    pub churned_mrr: f64,
    /// Active subscriptions whose type has no invoice period Exact could give: counted as
    /// monthly.
    pub assumed_monthly: usize,
    pub method: String,
    /// Set when the administration's licence lacks the subscription module (figures are 0).
    pub unavailable: Option<String>,
}

impl Unavailable for RecurringOutput {
    fn unavailable(division: i64, message: String) -> Self {
        RecurringOutput {
            division,
            currency: "EUR".into(),
            method: METHOD.to_string(),
            unavailable: Some(message),
            ..Default::default()
        }
    }
}

pub async fn recurring(
    ctx: &ToolCtx<'_>,
    args: RecurringArgs,
) -> Result<RecurringOutput, ToolError> {
    let today = ctx.today();
    let target = ctx.target(args.division)?;
    let types = periods(ctx, &target).await?;
    let subs = fetch_all(ctx, &target, &SUBSCRIPTIONS, None).await?;
    let lines = fetch_all(ctx, &target, &LINES, None).await?;
    Ok(revenue(target.division, today, &types, &subs, &lines))
}

fn revenue(
    division: i64,
    today: NaiveDate,
    types: &HashMap<String, Option<Period>>,
    subs: &[Value],
    lines: &[Value],
) -> RecurringOutput {
    let active: Vec<(&Value, f64)> = subs
        .iter()
        .filter(|s| state(s, today) == "active")
        .map(|s| (s, monthly(s, lines, period_of(types, s), today)))
        .collect();
    let mrr = cents(active.iter().map(|(_, m)| m).sum());
    let mut by_type: HashMap<String, ByType> = HashMap::new();
    let mut by_customer: HashMap<String, ByCustomer> = HashMap::new();
    for (s, m) in &active {
        let name = row::text(s, "SubscriptionTypeDescription").unwrap_or_else(|| "(none)".into());
        let t = by_type.entry(name.clone()).or_insert_with(|| ByType {
            subscription_type: name,
            invoice_period: period_of(types, s).map(Period::words),
            active: 0,
            mrr: 0.0,
        });
        t.active += 1;
        t.mrr += m;
        let key = row::text(s, "OrderedBy").unwrap_or_default().to_lowercase();
        let c = by_customer.entry(key).or_insert_with(|| ByCustomer {
            customer_id: row::text(s, "OrderedBy"),
            customer_name: row::text(s, "OrderedByName"),
            mrr: 0.0,
            share_percent: 0.0,
        });
        c.mrr += m;
    }
    let mut by_type: Vec<ByType> = by_type.into_values().collect();
    by_type.iter_mut().for_each(|t| t.mrr = cents(t.mrr));
    by_type.sort_by(|a, b| b.mrr.total_cmp(&a.mrr));
    let active_customers = by_customer.len();
    let mut top: Vec<ByCustomer> = by_customer.into_values().collect();
    for c in &mut top {
        c.mrr = cents(c.mrr);
        c.share_percent = if mrr > 0.0 {
            (c.mrr / mrr * 1_000.0).round() / 10.0
        } else {
            0.0
        };
    }
    top.sort_by(|a, b| b.mrr.total_cmp(&a.mrr));
    top.truncate(10);
    let year_ago = today.checked_sub_days(Days::new(365)).unwrap_or(today);
    let churned: Vec<&Value> = subs
        .iter()
        .filter(|s| {
            let stopped =
                row::naive_date(s, "CancellationDate").or_else(|| row::naive_date(s, "EndDate"));
            matches!(state(s, today), "cancelled" | "ended")
                && stopped.is_some_and(|d| d >= year_ago && d <= today)
        })
        .collect();
    // The value a stopped subscription had on its last day.
    let churned_mrr = churned
        .iter()
        .map(|s| {
            let last = row::naive_date(s, "CancellationDate")
                .or_else(|| row::naive_date(s, "EndDate"))
                .and_then(|d| d.checked_sub_days(Days::new(1)))
                .unwrap_or(today);
            monthly(s, lines, period_of(types, s), last)
        })
        .sum();
    RecurringOutput {
        division,
        as_of: today.to_string(),
        currency: "EUR".into(),
        mrr,
        arr: cents(mrr * 12.0),
        active_subscriptions: active.len(),
        active_customers,
        by_type,
        top_customers: top,
        churned_last_12_months: churned.len(),
        churned_mrr: cents(churned_mrr),
        assumed_monthly: active
            .iter()
            .filter(|(s, _)| period_of(types, s).is_none())
            .count(),
        method: METHOD.to_string(),
        unavailable: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn periods_turn_into_months() {
        let p = |n, u| Period::parse(Some(n), Some(u)).unwrap().months();
        assert_eq!(p(1, "mm"), 1.0);
        assert_eq!(p(1, "qt"), 3.0);
        assert_eq!(p(2, "hy"), 12.0);
        assert_eq!(p(1, "YY"), 12.0);
        assert!((p(1, "wk") - 12.0 / 52.0).abs() < 1e-12);
        assert_eq!(Period::parse(Some(1), Some("xx")), None);
        assert_eq!(Period::parse(Some(0), Some("mm")), None);
        assert_eq!(
            Period::parse(Some(3), Some("mm")).unwrap().words(),
            "every 3 months"
        );
    }

    #[test]
    fn a_yearly_line_counts_a_twelfth_and_stopped_ones_nothing() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let ms = |y, m, d| {
            let t = NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap();
            json!(format!("/Date({})/", t.and_utc().timestamp_millis()))
        };
        let sub = |id: &str, cancelled: Value| {
            json!({ "EntryID": id, "StartDate": ms(2025, 1, 1), "EndDate": null,
                    "CancellationDate": cancelled, "SubscriptionType": "t" })
        };
        let lines = vec![
            json!({ "EntryID": "a", "AmountDC": 1200.0, "FromDate": ms(2025, 1, 1), "ToDate": null }),
            json!({ "EntryID": "a", "AmountDC": 600.0, "FromDate": ms(2027, 1, 1), "ToDate": null }),
            json!({ "EntryID": "b", "AmountDC": 99.0, "FromDate": null, "ToDate": null }),
        ];
        let yearly = Period::parse(Some(1), Some("yy"));
        assert_eq!(
            monthly(&sub("a", Value::Null), &lines, yearly, today),
            100.0
        );
        assert_eq!(
            monthly(&sub("b", ms(2026, 6, 1)), &lines, yearly, today),
            0.0
        );
        assert_eq!(state(&sub("b", ms(2026, 12, 1)), today), "active");
    }
}
