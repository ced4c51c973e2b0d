//! get_currencies (`general/Currencies`) and get_currency_rates (`financial/ExchangeRates`).
//!
//! Field lists: Exact's REST reference for GeneralCurrencies and FinancialExchangeRates.

use super::{ListSpec, ToolCtx, ToolError, check_limit, fetch_all, list_page, row};
use crate::server::mcp::odata;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

const CURRENCIES: ListSpec = ListSpec {
    path: "general/Currencies",
    key: "Code",
    select: "Code,Description,AmountPrecision,PricePrecision",
    what: "currencies",
    module: None,
};
const RATED: ListSpec = ListSpec {
    path: "financial/ExchangeRates",
    key: "ID",
    select: "ID,SourceCurrency,TargetCurrency",
    what: "exchange rates",
    module: None,
};
const RATES: ListSpec = ListSpec {
    path: "financial/ExchangeRates",
    key: "ID",
    select: "ID,SourceCurrency,SourceCurrencyDescription,TargetCurrency,TargetCurrencyDescription,Rate,StartDate",
    what: "exchange rates",
    module: None,
};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CurrenciesArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Only the currencies in use: those with exchange rates in this administration, and the
    /// currencies they are rated against (default false: every currency Exact knows).
    #[serde(default)]
    pub active_only: bool,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Currency {
    /// ISO code, e.g. EUR.
    pub code: String,
    pub description: Option<String>,
    /// Decimals amounts are kept in (0.01 for cents).
    pub amount_precision: Option<f64>,
    pub price_precision: Option<f64>,
    /// Whether this administration has exchange rates for it or against it.
    pub in_use: bool,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CurrenciesOutput {
    pub division: i64,
    pub currencies: Vec<Currency>,
    pub count: usize,
}

pub async fn currencies(
    ctx: &ToolCtx<'_>,
    args: CurrenciesArgs,
) -> Result<CurrenciesOutput, ToolError> {
    let target = ctx.target(args.division)?;
    let rows = fetch_all(ctx, &target, &CURRENCIES, None).await?;
    // Exact has no "active" flag on currencies: in use means rated in this administration.
    let rated = fetch_all(ctx, &target, &RATED, None).await?;
    let in_use: BTreeSet<String> = rated
        .iter()
        .flat_map(|r| {
            [
                row::text(r, "SourceCurrency"),
                row::text(r, "TargetCurrency"),
            ]
        })
        .flatten()
        .collect();
    let currencies: Vec<Currency> = rows
        .iter()
        .map(|r| {
            let code = row::text_or_empty(r, "Code");
            Currency {
                in_use: in_use.contains(&code),
                code,
                description: row::text(r, "Description"),
                amount_precision: r.get("AmountPrecision").and_then(serde_json::Value::as_f64),
                price_precision: r.get("PricePrecision").and_then(serde_json::Value::as_f64),
            }
        })
        .filter(|c| !args.active_only || c.in_use)
        .collect();
    Ok(CurrenciesOutput {
        division: target.division,
        count: currencies.len(),
        currencies,
    })
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RatesArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// The foreign currency, ISO code (e.g. USD).
    pub source: Option<String>,
    /// The currency it is rated in, ISO code (the administration's own, e.g. EUR).
    pub target: Option<String>,
    /// Rates valid from this day on or later (YYYY-MM-DD).
    pub date_from: Option<String>,
    /// Rates valid from this day or earlier (YYYY-MM-DD).
    pub date_to: Option<String>,
    /// Rows per page, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Rate {
    pub id: String,
    pub source: String,
    pub source_description: Option<String>,
    pub target: String,
    pub target_description: Option<String>,
    /// One unit of `source` is worth `rate` units of `target`.
    pub rate: f64,
    /// Valid from this day until the next rate of the same currencies.
    pub start_date: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RatesOutput {
    pub division: i64,
    pub rates: Vec<Rate>,
    pub count: usize,
    pub has_more: bool,
    pub cursor: Option<String>,
}

/// An ISO 4217 code argument: three letters, upper-cased.
fn currency_code(field: &str, value: &str) -> Result<String, ToolError> {
    let code = value.trim().to_ascii_uppercase();
    if code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(ToolError::invalid(format!(
            "`{field}` must be a three-letter currency code such as USD (see get_currencies)."
        )))
    }
}

pub async fn rates(ctx: &ToolCtx<'_>, args: RatesArgs) -> Result<RatesOutput, ToolError> {
    const TOOL: &str = "get_currency_rates";
    let limit = check_limit(args.limit, 100, 500)?;
    let dates = odata::named_date_range(
        ("date_from", args.date_from.as_deref()),
        ("date_to", args.date_to.as_deref()),
    )?;
    let mut clauses = odata::date_clauses("StartDate", dates);
    for (field, name, value) in [
        ("SourceCurrency", "source", &args.source),
        ("TargetCurrency", "target", &args.target),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            clauses.push(format!(
                "{field} eq {}",
                odata::text(&currency_code(name, v)?)
            ));
        }
    }
    let target = ctx.target(args.division)?;
    let page = list_page(
        ctx,
        &target,
        (TOOL, &RATES),
        odata::all_of(clauses),
        limit,
        args.cursor.as_deref(),
    )
    .await?;
    let rates: Vec<Rate> = page
        .rows
        .iter()
        .map(|r| Rate {
            id: row::text_or_empty(r, "ID"),
            source: row::text_or_empty(r, "SourceCurrency"),
            source_description: row::text(r, "SourceCurrencyDescription"),
            target: row::text_or_empty(r, "TargetCurrency"),
            target_description: row::text(r, "TargetCurrencyDescription"),
            rate: row::num(r, "Rate"),
            start_date: row::date(r, "StartDate"),
        })
        .collect();
    Ok(RatesOutput {
        division: target.division,
        count: rates.len(),
        rates,
        has_more: page.has_more(),
        cursor: page.cursor,
    })
}
