//! search_transactions: `financialtransaction/TransactionLines` with every filter Exact can apply
//! on its side (dates, year and period, journal and its type, GL account, debit or credit, amount
//! range, processed or open, description text).
//!
//! Field list: Exact's REST reference for FinancialTransactionTransactionLines.

use super::{ListSpec, ToolCtx, ToolError, cents, check_limit, list_page, row};
use crate::server::mcp::odata;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

const LINES: ListSpec = ListSpec {
    path: "financialtransaction/TransactionLines",
    key: "ID",
    select: "ID,EntryNumber,LineNumber,Date,FinancialYear,FinancialPeriod,GLAccountCode,GLAccountDescription,JournalCode,JournalDescription,Type,Status,Description,AmountDC,Currency,AccountCode,AccountName,InvoiceNumber,VATCode,CostCenter",
    what: "transactions",
    module: None,
};

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum JournalType {
    /// Sales entries and credit notes.
    Sales,
    /// Purchase entries and credit notes.
    Purchase,
    /// Bank and cash (cash flow).
    Bank,
    /// General journal (memorial) entries.
    General,
    /// Opening balances.
    OpeningBalance,
    /// Asset depreciation.
    Depreciation,
}

impl JournalType {
    /// Exact's transaction types (`TransactionLines.Type`) of the journal type.
    fn clause(self) -> &'static str {
        match self {
            JournalType::Sales => "Type eq 20 or Type eq 21",
            JournalType::Purchase => "Type eq 30 or Type eq 31",
            JournalType::Bank => "Type eq 40",
            JournalType::General => "Type eq 90",
            JournalType::OpeningBalance => "Type eq 10",
            JournalType::Depreciation => "Type eq 70",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AmountType {
    #[default]
    All,
    /// Debit lines (positive amounts).
    Debit,
    /// Credit lines (negative amounts).
    Credit,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Lines dated on or after this day (YYYY-MM-DD).
    pub from_date: Option<String>,
    /// Lines dated on or before this day (YYYY-MM-DD).
    pub to_date: Option<String>,
    /// Financial year, e.g. 2026.
    #[schemars(range(min = 1900, max = 2100))]
    pub financial_year: Option<i64>,
    /// Financial period, 1 to 13.
    #[schemars(range(min = 1, max = 13))]
    pub financial_period: Option<i64>,
    /// Journal code, e.g. "70".
    pub journal_code: Option<String>,
    /// sales, purchase, bank, general, opening_balance or depreciation.
    pub journal_type: Option<JournalType>,
    /// GL account code, e.g. "8000".
    pub gl_account: Option<String>,
    /// all (default), debit or credit.
    #[serde(default)]
    pub amount_type: AmountType,
    /// Lines of at least this amount (in absolute value).
    #[schemars(range(min = 0))]
    pub min_amount: Option<f64>,
    /// Lines of at most this amount (in absolute value).
    #[schemars(range(min = 0))]
    pub max_amount: Option<f64>,
    /// true: processed lines only; false: open (not yet processed) lines only; both when absent.
    pub processed: Option<bool>,
    /// Text the line's description contains.
    pub description_contains: Option<String>,
    /// Rows per page, 1 to 1000 (default 100).
    #[schemars(range(min = 1, max = 1000))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Line {
    pub id: String,
    pub entry_number: Option<i64>,
    pub line_number: Option<i64>,
    pub date: Option<String>,
    pub year: Option<i64>,
    pub period: Option<i64>,
    pub gl_account_code: Option<String>,
    pub gl_account_description: Option<String>,
    pub journal_code: Option<String>,
    pub journal_description: Option<String>,
    /// Exact's transaction type: 20 sales, 30 purchase, 40 bank, 70 depreciation, 90 other, …
    pub transaction_type: Option<i64>,
    pub processed: bool,
    pub description: Option<String>,
    /// Debit positive, credit negative.
    pub amount: f64,
    pub currency: String,
    pub relation_code: Option<String>,
    pub relation_name: Option<String>,
    pub invoice_number: Option<i64>,
    pub vat_code: Option<String>,
    pub cost_center: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub division: i64,
    pub lines: Vec<Line>,
    pub count: usize,
    /// Sums over this page.
    pub total_debit: f64,
    pub total_credit: f64,
    pub has_more: bool,
    pub cursor: Option<String>,
}

/// The filter of the arguments, every value checked and written by [`odata`].
fn filter(args: &Args) -> Result<Option<String>, ToolError> {
    let mut clauses = odata::date_clauses(
        "Date",
        odata::date_range(args.from_date.as_deref(), args.to_date.as_deref())?,
    );
    if let Some(y) = args.financial_year {
        clauses.push(format!(
            "FinancialYear eq {}",
            odata::check_year("financial_year", y)?
        ));
    }
    if let Some(p) = args.financial_period {
        clauses.push(format!(
            "FinancialPeriod eq {}",
            odata::check_period("financial_period", p)?
        ));
    }
    let text = |name: &str, v: &Option<String>| -> Result<Option<String>, ToolError> {
        Ok(odata::optional_text(name, v.as_deref())?.map(|s| odata::text(&s)))
    };
    if let Some(j) = text("journal_code", &args.journal_code)? {
        clauses.push(format!("JournalCode eq {j}"));
    }
    if let Some(t) = args.journal_type {
        clauses.push(t.clause().to_string());
    }
    if let Some(g) = text("gl_account", &args.gl_account)? {
        clauses.push(format!("GLAccountCode eq {g}"));
    }
    if let Some(d) = text("description_contains", &args.description_contains)? {
        clauses.push(format!("substringof({d}, Description) eq true"));
    }
    clauses.push(
        match args.amount_type {
            AmountType::All => "",
            AmountType::Debit => "AmountDC gt 0",
            AmountType::Credit => "AmountDC lt 0",
        }
        .to_string(),
    );
    let min = args
        .min_amount
        .map(|m| odata::amount("min_amount", m))
        .transpose()?;
    let max = args
        .max_amount
        .map(|m| odata::amount("max_amount", m))
        .transpose()?;
    if let (Some(lo), Some(hi)) = (args.min_amount, args.max_amount)
        && lo > hi
    {
        return Err(ToolError::invalid(
            "`min_amount` is above `max_amount`; swap them.",
        ));
    }
    // In absolute value: debit lines between the bounds or credit lines between their negatives.
    let bounds = |sign: &str| {
        let mut parts = vec![format!(
            "AmountDC {} 0",
            if sign.is_empty() { "ge" } else { "le" }
        )];
        if let Some(lo) = &min {
            parts.push(format!(
                "AmountDC {} {sign}{lo}",
                if sign.is_empty() { "ge" } else { "le" }
            ));
        }
        if let Some(hi) = &max {
            parts.push(format!(
                "AmountDC {} {sign}{hi}",
                if sign.is_empty() { "le" } else { "ge" }
            ));
        }
        format!("({})", parts.join(" and "))
    };
    if min.is_some() || max.is_some() {
        clauses.push(format!("{} or {}", bounds(""), bounds("-")));
    }
    if let Some(p) = args.processed {
        clauses.push(format!("Status eq {}", if p { 50 } else { 20 }));
    }
    Ok(odata::all_of(clauses))
}

pub async fn search(ctx: &ToolCtx<'_>, args: Args) -> Result<Output, ToolError> {
    const TOOL: &str = "search_transactions";
    let limit = check_limit(args.limit, 100, 1000)?;
    let filter = filter(&args)?;
    let target = ctx.target(args.division)?;
    let page = list_page(
        ctx,
        &target,
        (TOOL, &LINES),
        filter,
        limit,
        args.cursor.as_deref(),
    )
    .await?;
    let lines: Vec<Line> = page
        .rows
        .iter()
        .map(|r| Line {
            id: row::text_or_empty(r, "ID"),
            entry_number: row::int(r, "EntryNumber"),
            line_number: row::int(r, "LineNumber"),
            date: row::date(r, "Date"),
            year: row::int(r, "FinancialYear"),
            period: row::int(r, "FinancialPeriod"),
            gl_account_code: row::text(r, "GLAccountCode"),
            gl_account_description: row::text(r, "GLAccountDescription"),
            journal_code: row::text(r, "JournalCode"),
            journal_description: row::text(r, "JournalDescription"),
            transaction_type: row::int(r, "Type"),
            processed: row::int(r, "Status") == Some(50),
            description: row::text(r, "Description"),
            amount: cents(row::num(r, "AmountDC")),
            currency: row::text(r, "Currency").unwrap_or_else(|| "EUR".into()),
            relation_code: row::text(r, "AccountCode"),
            relation_name: row::text(r, "AccountName"),
            invoice_number: row::int(r, "InvoiceNumber"),
            vat_code: row::text(r, "VATCode"),
            cost_center: row::text(r, "CostCenter"),
        })
        .collect();
    Ok(Output {
        division: target.division,
        count: lines.len(),
        total_debit: cents(lines.iter().map(|l| l.amount.max(0.0)).sum()),
        total_credit: cents(lines.iter().map(|l| (-l.amount).max(0.0)).sum()),
        lines,
        has_more: page.has_more(),
        cursor: page.cursor,
    })
}
