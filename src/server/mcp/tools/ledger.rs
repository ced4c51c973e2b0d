//! The general ledger: get_gl_accounts (`financial/GLAccounts`), get_transactions
//! (`financialtransaction/TransactionLines`), get_profit_loss and get_financial_snapshot
//! (`financial/ReportingBalance`, the open-item lists and `BankEntryLines`).

use super::{
    ListSpec, ToolCtx, ToolError, cents, chart, check_limit, fetch_all, fetch_page, next_cursor,
    periods, read_cursor, row,
};
use crate::server::mcp::{cursor, odata};
use chrono::Days;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const GL_ACCOUNTS: ListSpec = ListSpec {
    path: "financial/GLAccounts",
    key: "ID",
    select: "ID,Code,Description,BalanceSide,BalanceType,Type,TypeDescription,IsBlocked",
    what: "GL accounts",
    module: None,
};
const TRANSACTION_LINES: ListSpec = ListSpec {
    path: "financialtransaction/TransactionLines",
    key: "ID",
    select: "ID,EntryNumber,Date,FinancialYear,FinancialPeriod,GLAccountCode,GLAccountDescription,JournalCode,JournalDescription,Description,AmountDC,AccountName,InvoiceNumber,VATCode,Currency",
    what: "transactions",
    module: None,
};
const REPORTING_BALANCE: ListSpec = ListSpec {
    path: "financial/ReportingBalance",
    key: "ID",
    select: "ID,BalanceType,GLAccountCode,GLAccountDescription,ReportingYear,ReportingPeriod,Amount,Type",
    what: "reporting balances",
    module: None,
};
const OPEN_ITEMS_SELECT: &str = "HID,Amount,DueDate";
const RECEIVABLE_TOTALS: ListSpec = ListSpec {
    path: "read/financial/ReceivablesList",
    key: "HID",
    select: OPEN_ITEMS_SELECT,
    what: "receivables",
    module: None,
};
const PAYABLE_TOTALS: ListSpec = ListSpec {
    path: "read/financial/PayablesList",
    key: "HID",
    select: OPEN_ITEMS_SELECT,
    what: "payables",
    module: None,
};
const BANK_LINES: ListSpec = ListSpec {
    path: "financialtransaction/BankEntryLines",
    key: "ID",
    select: "ID,Date,AmountDC",
    what: "bank transactions",
    module: None,
};

// ---------------------------------------------------------------------------------------------
// GL accounts

#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GlType {
    /// Balance sheet accounts.
    Balance,
    /// Profit and loss accounts.
    Profitloss,
    #[default]
    All,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GlArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// balance, profitloss or all (default all).
    #[serde(rename = "type", default)]
    pub kind: GlType,
    /// Text the code or description contains.
    pub search: Option<String>,
    /// Rows per page, 1 to 1000 (default 100).
    #[schemars(range(min = 1, max = 1000))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct GlAccount {
    pub id: String,
    pub code: String,
    pub description: String,
    /// balance or profitloss.
    pub balance_type: String,
    /// debit or credit.
    pub balance_side: String,
    /// Exact's account type, e.g. 12 bank, 20 receivables, 110 revenue.
    pub type_code: Option<i64>,
    pub type_description: Option<String>,
    pub blocked: bool,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct GlOutput {
    pub division: i64,
    pub accounts: Vec<GlAccount>,
    pub count: usize,
    pub has_more: bool,
    pub cursor: Option<String>,
}

pub async fn gl_accounts(ctx: &ToolCtx<'_>, args: GlArgs) -> Result<GlOutput, ToolError> {
    const TOOL: &str = "get_gl_accounts";
    let limit = check_limit(args.limit, 100, 1000)?;
    let kind = match args.kind {
        GlType::Balance => "BalanceType eq 'B'".to_string(),
        GlType::Profitloss => "BalanceType eq 'W'".to_string(),
        GlType::All => String::new(),
    };
    let search = odata::code_or_description_contains(args.search.as_deref())?.unwrap_or_default();
    let target = ctx.target(args.division)?;
    let filter = odata::all_of(vec![kind, search]);
    let fp = cursor::fingerprint(&[
        &target.division.to_string(),
        filter.as_deref().unwrap_or(""),
    ]);
    let after = read_cursor(TOOL, args.cursor.as_deref(), &fp)?.map(|p| p.skiptoken);
    let page = fetch_page(ctx, &target, &GL_ACCOUNTS, filter, limit, after).await?;
    let accounts: Vec<GlAccount> = page
        .rows
        .iter()
        .map(|r| GlAccount {
            id: row::text_or_empty(r, "ID"),
            code: row::text_or_empty(r, "Code"),
            description: row::text_or_empty(r, "Description"),
            balance_type: match row::text(r, "BalanceType").as_deref() {
                Some("W") => "profitloss",
                _ => "balance",
            }
            .to_string(),
            balance_side: match row::text(r, "BalanceSide").as_deref() {
                Some("C") => "credit",
                _ => "debit",
            }
            .to_string(),
            type_code: row::int(r, "Type"),
            type_description: row::text(r, "TypeDescription"),
            blocked: row::flag(r, "IsBlocked"),
        })
        .collect();
    Ok(GlOutput {
        division: target.division,
        count: accounts.len(),
        accounts,
        has_more: page.next.is_some(),
        cursor: page.next.map(|k| next_cursor(TOOL, &fp, 0, k)),
    })
}

// ---------------------------------------------------------------------------------------------
// Transactions

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransactionsArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Financial year, e.g. 2026.
    pub year: Option<i64>,
    /// Financial period (1 to 13); needs `year`.
    pub period: Option<i64>,
    /// GL account code (e.g. 8000) or GL account ID (GUID).
    pub gl_account: Option<String>,
    /// Journal code, e.g. 70 for the sales journal.
    pub journal: Option<String>,
    /// Lines dated on or after this day (YYYY-MM-DD).
    pub from_date: Option<String>,
    /// Lines dated on or before this day (YYYY-MM-DD).
    pub to_date: Option<String>,
    /// Rows per page, 1 to 1000 (default 100).
    #[schemars(range(min = 1, max = 1000))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TransactionLine {
    pub id: String,
    pub entry_number: Option<i64>,
    pub date: Option<String>,
    pub year: Option<i64>,
    pub period: Option<i64>,
    pub gl_account_code: Option<String>,
    pub gl_account_description: Option<String>,
    pub journal_code: Option<String>,
    pub journal_description: Option<String>,
    pub description: Option<String>,
    /// Debit positive, credit negative.
    pub amount: f64,
    pub currency: String,
    pub relation_name: Option<String>,
    pub invoice_number: Option<i64>,
    pub vat_code: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TransactionsOutput {
    pub division: i64,
    pub lines: Vec<TransactionLine>,
    pub count: usize,
    /// Sums over this page.
    pub total_debit: f64,
    pub total_credit: f64,
    pub has_more: bool,
    pub cursor: Option<String>,
}

pub async fn transactions(
    ctx: &ToolCtx<'_>,
    args: TransactionsArgs,
) -> Result<TransactionsOutput, ToolError> {
    const TOOL: &str = "get_transactions";
    let limit = check_limit(args.limit, 100, 1000)?;
    let mut clauses = Vec::new();
    if let Some(y) = args.year {
        clauses.push(format!(
            "FinancialYear eq {}",
            odata::check_year("year", y)?
        ));
    }
    if let Some(p) = args.period {
        if args.year.is_none() {
            return Err(ToolError::invalid("`period` needs `year` as well."));
        }
        clauses.push(format!(
            "FinancialPeriod eq {}",
            odata::check_period("period", p)?
        ));
    }
    if let Some(gl) = args.gl_account.as_deref().filter(|g| !g.trim().is_empty()) {
        clauses.push(match uuid::Uuid::try_parse(gl.trim()) {
            Ok(id) => format!("GLAccount eq {}", odata::guid(&id.hyphenated().to_string())),
            Err(_) => format!(
                "GLAccountCode eq {}",
                odata::text(&odata::clean_text("gl_account", gl)?)
            ),
        });
    }
    if let Some(j) = args.journal.as_deref().filter(|j| !j.trim().is_empty()) {
        clauses.push(format!(
            "JournalCode eq {}",
            odata::text(&odata::clean_text("journal", j)?)
        ));
    }
    let (from, to) = odata::date_range(args.from_date.as_deref(), args.to_date.as_deref())?;
    if let Some(f) = from {
        clauses.push(format!("Date ge {}", odata::datetime(f)));
    }
    if let Some(t) = to {
        clauses.push(format!("Date le {}", odata::datetime(t)));
    }
    let target = ctx.target(args.division)?;
    let filter = odata::all_of(clauses);
    let fp = cursor::fingerprint(&[
        &target.division.to_string(),
        filter.as_deref().unwrap_or(""),
    ]);
    let after = read_cursor(TOOL, args.cursor.as_deref(), &fp)?.map(|p| p.skiptoken);
    let page = fetch_page(ctx, &target, &TRANSACTION_LINES, filter, limit, after).await?;
    let lines: Vec<TransactionLine> = page
        .rows
        .iter()
        .map(|r| TransactionLine {
            id: row::text_or_empty(r, "ID"),
            entry_number: row::int(r, "EntryNumber"),
            date: row::date(r, "Date"),
            year: row::int(r, "FinancialYear"),
            period: row::int(r, "FinancialPeriod"),
            gl_account_code: row::text(r, "GLAccountCode"),
            gl_account_description: row::text(r, "GLAccountDescription"),
            journal_code: row::text(r, "JournalCode"),
            journal_description: row::text(r, "JournalDescription"),
            description: row::text(r, "Description"),
            amount: cents(row::num(r, "AmountDC")),
            currency: row::text(r, "Currency").unwrap_or_else(|| "EUR".into()),
            relation_name: row::text(r, "AccountName"),
            invoice_number: row::int(r, "InvoiceNumber"),
            vat_code: row::text(r, "VATCode"),
        })
        .collect();
    Ok(TransactionsOutput {
        division: target.division,
        count: lines.len(),
        total_debit: cents(lines.iter().map(|l| l.amount.max(0.0)).sum()),
        total_credit: cents(lines.iter().map(|l| (-l.amount).max(0.0)).sum()),
        lines,
        has_more: page.next.is_some(),
        cursor: page.next.map(|k| next_cursor(TOOL, &fp, 0, k)),
    })
}

// ---------------------------------------------------------------------------------------------
// Profit and loss

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfitLossArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Financial year (default: the current year).
    pub year: Option<i64>,
    /// First period, 1 to 13 (default 1).
    pub period_from: Option<i64>,
    /// Last period, 1 to 13 (default: the current month in the current year, else 12).
    pub period_to: Option<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ProfitLossLine {
    pub gl_account_code: String,
    pub gl_account_description: String,
    /// revenue, cost_of_sales or operating_expenses.
    pub category: String,
    /// Revenue and costs both as positive numbers (a negative cost is a correction).
    pub amount: f64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ProfitLossOutput {
    pub division: i64,
    pub year: i64,
    pub period_from: i64,
    pub period_to: i64,
    pub currency: String,
    pub revenue: f64,
    pub cost_of_sales: f64,
    pub gross_margin: f64,
    /// Gross margin as a percentage of revenue (null without revenue).
    pub gross_margin_percentage: Option<f64>,
    pub operating_expenses: f64,
    /// Revenue minus all costs: positive is profit.
    pub result: f64,
    pub lines: Vec<ProfitLossLine>,
}

/// Sums of profit-and-loss reporting balances by category.
#[derive(Default)]
struct PlTotals {
    revenue: f64,
    cost_of_sales: f64,
    operating_expenses: f64,
}

fn period_clause(year: i64, from: i64, to: i64) -> String {
    format!("ReportingYear eq {year} and ReportingPeriod ge {from} and ReportingPeriod le {to}")
}

pub async fn profit_loss(
    ctx: &ToolCtx<'_>,
    args: ProfitLossArgs,
) -> Result<ProfitLossOutput, ToolError> {
    let (year, from, to) = periods::period_range(ctx, args.year, args.period_from, args.period_to)?;
    let target = ctx.target(args.division)?;
    let chart = chart::read(ctx, &target).await?;
    let filter = format!("BalanceType eq 'W' and {}", period_clause(year, from, to));
    let rows = fetch_all(ctx, &target, &REPORTING_BALANCE, Some(filter)).await?;
    let mut by_account: BTreeMap<String, (String, f64)> = BTreeMap::new();
    for r in &rows {
        let entry = by_account
            .entry(row::text_or_empty(r, "GLAccountCode"))
            .or_insert_with(|| (row::text_or_empty(r, "GLAccountDescription"), 0.0));
        entry.1 += row::num(r, "Amount");
    }
    let mut totals = PlTotals::default();
    let lines: Vec<ProfitLossLine> = by_account
        .into_iter()
        .map(|(code, (description, amount))| {
            let category = chart.category(&code);
            // Revenue is booked on the credit side (negative); show it positive.
            let shown = if category == "revenue" {
                -amount
            } else {
                amount
            };
            match category {
                "revenue" => totals.revenue += shown,
                "cost_of_sales" => totals.cost_of_sales += shown,
                _ => totals.operating_expenses += shown,
            }
            ProfitLossLine {
                gl_account_code: code,
                gl_account_description: description,
                category: category.to_string(),
                amount: cents(shown),
            }
        })
        .collect();
    let gross = totals.revenue - totals.cost_of_sales;
    Ok(ProfitLossOutput {
        division: target.division,
        year,
        period_from: from,
        period_to: to,
        currency: "EUR".to_string(),
        revenue: cents(totals.revenue),
        cost_of_sales: cents(totals.cost_of_sales),
        gross_margin: cents(gross),
        gross_margin_percentage: (totals.revenue.abs() > 0.005)
            .then(|| (gross / totals.revenue * 1000.0).round() / 10.0),
        operating_expenses: cents(totals.operating_expenses),
        result: cents(gross - totals.operating_expenses),
        lines,
    })
}

// ---------------------------------------------------------------------------------------------
// Financial snapshot

/// The cash and bank accounts' balance at the end of (year, period): their reporting balance of
/// every earlier period summed (no request when the chart has no such accounts).
pub async fn cash_balance(
    ctx: &ToolCtx<'_>,
    target: &crate::server::mcp::caller::Target,
    chart: &chart::Chart,
    year: i64,
    period: i64,
) -> Result<f64, ToolError> {
    let Some(accounts) = chart.filter_codes(&[chart::CASH, chart::BANK]) else {
        return Ok(0.0);
    };
    let balance = fetch_all(
        ctx,
        target,
        &REPORTING_BALANCE,
        Some(format!(
            "({accounts}) and (ReportingYear lt {year} or \
             (ReportingYear eq {year} and ReportingPeriod le {period}))"
        )),
    )
    .await?;
    Ok(balance.iter().map(|r| row::num(r, "Amount")).sum())
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnapshotArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Financial year (default: the current year).
    pub year: Option<i64>,
    /// Up to and including this period, 1 to 13 (default: the current month in the current
    /// year, else 12).
    pub period: Option<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SnapshotOutput {
    pub division: i64,
    pub division_name: String,
    pub year: i64,
    pub period: i64,
    /// The day the open items and the forecast are measured from.
    pub as_of: String,
    pub currency: String,
    /// Year to date, through `period`.
    pub revenue: f64,
    pub costs: f64,
    pub result: f64,
    /// Cash and bank accounts at the end of `period`.
    pub cash_and_bank: f64,
    pub receivables_open: f64,
    pub receivables_overdue: f64,
    pub receivables_count: usize,
    pub payables_open: f64,
    pub payables_overdue: f64,
    pub payables_count: usize,
    /// Cash and bank plus receivables due within 30 days minus payables due within 30 days
    /// (overdue items included).
    pub expected_cash_in_30_days: f64,
    /// Money in minus money out over the bank in the last 90 days.
    pub bank_net_flow_90_days: f64,
}

pub async fn snapshot(ctx: &ToolCtx<'_>, args: SnapshotArgs) -> Result<SnapshotOutput, ToolError> {
    let today = ctx.today();
    let (year, period) = periods::year_and_period(ctx, args.year, ("period", args.period))?;
    let target = ctx.target(args.division)?;
    let chart = chart::read(ctx, &target).await?;

    let pl = fetch_all(
        ctx,
        &target,
        &REPORTING_BALANCE,
        Some(format!(
            "BalanceType eq 'W' and {}",
            period_clause(year, 1, period)
        )),
    )
    .await?;
    let (mut revenue, mut costs) = (0.0, 0.0);
    for r in &pl {
        let amount = row::num(r, "Amount");
        if chart.kind(&row::text_or_empty(r, "GLAccountCode")) == Some(chart::REVENUE) {
            revenue -= amount;
        } else {
            costs += amount;
        }
    }
    let cash = cash_balance(ctx, &target, &chart, year, period).await?;

    let horizon = today.checked_add_days(Days::new(30)).unwrap_or(today);
    let open_totals = |rows: &[serde_json::Value]| {
        let (mut open, mut overdue, mut due_soon) = (0.0, 0.0, 0.0);
        for r in rows {
            let amount = row::num(r, "Amount");
            let due = row::naive_date(r, "DueDate");
            open += amount;
            if due.is_some_and(|d| d < today) {
                overdue += amount;
            }
            if due.is_none_or(|d| d <= horizon) {
                due_soon += amount;
            }
        }
        (open, overdue, due_soon)
    };
    let receivables = fetch_all(ctx, &target, &RECEIVABLE_TOTALS, None).await?;
    let payables = fetch_all(ctx, &target, &PAYABLE_TOTALS, None).await?;
    let (r_open, r_overdue, r_soon) = open_totals(&receivables);
    let (p_open, p_overdue, p_soon) = open_totals(&payables);

    let since = today.checked_sub_days(Days::new(90)).unwrap_or(today);
    let bank = fetch_all(
        ctx,
        &target,
        &BANK_LINES,
        Some(format!("Date ge {}", odata::datetime(since))),
    )
    .await?;
    let flow: f64 = bank.iter().map(|r| row::num(r, "AmountDC")).sum();

    Ok(SnapshotOutput {
        division: target.division,
        division_name: target.division_name.clone(),
        year,
        period,
        as_of: today.format("%Y-%m-%d").to_string(),
        currency: "EUR".to_string(),
        revenue: cents(revenue),
        costs: cents(costs),
        result: cents(revenue - costs),
        cash_and_bank: cents(cash),
        receivables_open: cents(r_open),
        receivables_overdue: cents(r_overdue),
        receivables_count: receivables.len(),
        payables_open: cents(p_open),
        payables_overdue: cents(p_overdue),
        payables_count: payables.len(),
        expected_cash_in_30_days: cents(cash + r_soon - p_soon),
        bank_net_flow_90_days: cents(flow),
    })
}
