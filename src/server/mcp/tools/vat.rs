//! get_vat_summary: the VAT of a period or quarter per VAT code, from `vat/VATCodes` (which GL
//! accounts each code books its VAT to) and the period's transaction lines that carry a VAT
//! code (`financialtransaction/TransactionLines`).
//!
//! Field lists: Exact's REST reference for VATVATCodes and FinancialTransactionTransactionLines.

use super::{ListSpec, ToolCtx, ToolError, cents, fetch_all, row};
use crate::server::mcp::odata;
use chrono::Datelike;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

const VAT_CODES: ListSpec = ListSpec {
    path: "vat/VATCodes",
    key: "ID",
    select: "ID,Code,Description,Percentage,GLToPayCode,GLToClaimCode",
    what: "VAT codes",
    module: None,
};
const VAT_LINES: ListSpec = ListSpec {
    path: "financialtransaction/TransactionLines",
    key: "ID",
    select: "ID,GLAccountCode,VATCode,AmountDC,Type",
    what: "transactions",
    module: None,
};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Financial year (default: the current year).
    #[schemars(range(min = 1900, max = 2100))]
    pub year: Option<i64>,
    /// One period, 1 to 13 (not with `quarter`).
    #[schemars(range(min = 1, max = 13))]
    pub period: Option<i64>,
    /// One quarter, 1 to 4: periods 1-3, 4-6, 7-9 or 10-12 (not with `period`). Without
    /// `period` and `quarter`: the whole year.
    #[schemars(range(min = 1, max = 4))]
    pub quarter: Option<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CodeSummary {
    pub vat_code: String,
    pub description: Option<String>,
    /// The code's rate as a percentage (21 for 21%), when Exact gives it.
    pub percentage: Option<f64>,
    /// Net amount of sales with this code (positive).
    pub sales_base: f64,
    /// VAT on sales, to pay (positive).
    pub output_vat: f64,
    /// Net amount of purchases with this code (positive).
    pub purchase_base: f64,
    /// VAT on purchases, to claim (positive).
    pub input_vat: f64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub division: i64,
    pub year: i64,
    pub period_from: i64,
    pub period_to: i64,
    pub currency: String,
    pub codes: Vec<CodeSummary>,
    pub total_output_vat: f64,
    pub total_input_vat: f64,
    /// Output minus input VAT: positive is to pay, negative to get back.
    pub vat_payable: f64,
    pub method: String,
}

/// Exact's transaction types of sales and purchase entries (and their credit notes).
fn is_sales(kind: Option<i64>) -> bool {
    matches!(kind, Some(20 | 21))
}

fn is_purchase(kind: Option<i64>) -> bool {
    matches!(kind, Some(30 | 31))
}

/// The periods of the arguments: one period, a quarter's three, or the whole year.
fn periods(period: Option<i64>, quarter: Option<i64>) -> Result<(i64, i64), ToolError> {
    match (period, quarter) {
        (Some(_), Some(_)) => Err(ToolError::invalid("Give `period` or `quarter`, not both.")),
        (Some(p), None) => {
            let p = odata::check_period("period", p)?;
            Ok((p, p))
        }
        (None, Some(q)) if (1..=4).contains(&q) => Ok((3 * q - 2, 3 * q)),
        (None, Some(_)) => Err(ToolError::invalid("`quarter` must be 1, 2, 3 or 4.")),
        (None, None) => Ok((1, 12)),
    }
}

pub async fn summary(ctx: &ToolCtx<'_>, args: Args) -> Result<Output, ToolError> {
    let year = odata::check_year("year", args.year.unwrap_or(i64::from(ctx.today().year())))?;
    let (from, to) = periods(args.period, args.quarter)?;
    let target = ctx.target(args.division)?;
    let codes = fetch_all(ctx, &target, &VAT_CODES, None).await?;
    let lines = fetch_all(
        ctx,
        &target,
        &VAT_LINES,
        Some(format!(
            "FinancialYear eq {year} and FinancialPeriod ge {from} and FinancialPeriod le {to} \
             and VATCode ne null"
        )),
    )
    .await?;
    // Code → (GL to pay, GL to claim).
    let accounts: HashMap<String, (Option<String>, Option<String>)> = codes
        .iter()
        .filter_map(|c| {
            Some((
                row::text(c, "Code")?,
                (row::text(c, "GLToPayCode"), row::text(c, "GLToClaimCode")),
            ))
        })
        .collect();
    let mut sums: BTreeMap<String, [f64; 4]> = BTreeMap::new();
    for l in &lines {
        let Some(code) = row::text(l, "VATCode") else {
            continue;
        };
        let gl = row::text(l, "GLAccountCode");
        let amount = row::num(l, "AmountDC");
        let kind = row::int(l, "Type");
        let (to_pay, to_claim) = accounts.get(&code).cloned().unwrap_or_default();
        let s = sums.entry(code).or_default();
        if gl.is_some() && gl == to_pay {
            s[1] -= amount;
        } else if gl.is_some() && gl == to_claim {
            s[3] += amount;
        } else if is_sales(kind) {
            s[0] -= amount;
        } else if is_purchase(kind) {
            s[2] += amount;
        }
    }
    let rows: Vec<CodeSummary> = sums
        .into_iter()
        .map(|(code, [sales, output, purchases, input])| {
            let c = codes
                .iter()
                .find(|c| row::text(c, "Code").as_deref() == Some(code.as_str()));
            CodeSummary {
                description: c.and_then(|c| row::text(c, "Description")),
                // Exact writes the rate as a fraction (0.21).
                percentage: c
                    .and_then(|c| c.get("Percentage").and_then(serde_json::Value::as_f64))
                    .map(|p| (p * 10_000.0).round() / 100.0),
                vat_code: code,
                sales_base: cents(sales),
                output_vat: cents(output),
                purchase_base: cents(purchases),
                input_vat: cents(input),
            }
        })
        .collect();
    let output: f64 = rows.iter().map(|r| r.output_vat).sum();
    let input: f64 = rows.iter().map(|r| r.input_vat).sum();
    Ok(Output {
        division: target.division,
        year,
        period_from: from,
        period_to: to,
        currency: "EUR".to_string(),
        codes: rows,
        total_output_vat: cents(output),
        total_input_vat: cents(input),
        vat_payable: cents(output - input),
        method: "Per VAT code, over the transaction lines of the periods that carry it: lines on \
                 the code's VAT-to-pay account are output VAT, lines on its VAT-to-claim account \
                 input VAT; the other lines of sales entries are the sales base, of purchase \
                 entries the purchase base. Credit amounts count positive for sales, debit for \
                 purchases; rounded to the cent per code. Open (unprocessed) entries count."
            .to_string(),
    })
}
