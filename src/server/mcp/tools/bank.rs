//! get_bank_transactions (`financialtransaction/BankEntryLines`, or one bank journal's lines in
//! `financialtransaction/TransactionLines`) and get_cashflow_forecast (the cash position, the open
//! receivables and payables by due date, and the recent flow over the bank).
//!
//! Field lists: Exact's REST reference for FinancialTransactionBankEntryLines,
//! FinancialTransactionTransactionLines, FinancialJournals, ReadFinancialReceivablesList and
//! ReadFinancialPayablesList.

use super::{
    ListSpec, ToolCtx, ToolError, cents, chart, check_limit, fetch_all, ledger, list_page, row,
};
use crate::server::mcp::odata;
use chrono::{Datelike, Days, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

const BANK_ENTRY_LINES: ListSpec = ListSpec {
    path: "financialtransaction/BankEntryLines",
    key: "ID",
    select: "ID,EntryNumber,Date,Description,AmountDC,Currency,AccountCode,AccountName,GLAccountCode,GLAccountDescription,OurRef",
    what: "bank transactions",
    module: None,
};
/// One bank journal's lines: the bank side of its entries in the ledger.
const BANK_JOURNAL_LINES: ListSpec = ListSpec {
    path: "financialtransaction/TransactionLines",
    key: "ID",
    select: "ID,EntryNumber,Date,Description,AmountDC,Currency,AccountCode,AccountName,InvoiceNumber",
    what: "bank transactions",
    module: None,
};
const BANK_JOURNALS: ListSpec = ListSpec {
    path: "financial/Journals",
    key: "Code",
    select: "Code,Description,GLAccountCode,BankAccountIBAN",
    what: "journals",
    module: None,
};
const RECEIVABLES: ListSpec = ListSpec {
    path: "read/financial/ReceivablesList",
    key: "HID",
    select: "HID,Amount,DueDate",
    what: "receivables",
    module: None,
};
const PAYABLES: ListSpec = ListSpec {
    path: "read/financial/PayablesList",
    key: "HID",
    select: "HID,Amount,DueDate",
    what: "payables",
    module: None,
};
const RECENT_BANK_LINES: ListSpec = ListSpec {
    path: "financialtransaction/BankEntryLines",
    key: "ID",
    select: "ID,AmountDC",
    what: "bank transactions",
    module: None,
};

/// Exact's journal types of cash and bank journals.
const CASH_JOURNAL: i64 = 10;
const BANK_JOURNAL: i64 = 12;

// ---------------------------------------------------------------------------------------------
// Bank transactions

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransactionsArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Lines dated on or after this day (YYYY-MM-DD).
    pub from_date: Option<String>,
    /// Lines dated on or before this day (YYYY-MM-DD).
    pub to_date: Option<String>,
    /// Only this bank account, by its bank journal code (e.g. "20"); all bank accounts when
    /// omitted. An unknown code is answered with the bank journals there are.
    pub bank_account: Option<String>,
    /// Rows per page, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct BankLine {
    pub id: String,
    pub entry_number: Option<i64>,
    pub date: Option<String>,
    pub description: Option<String>,
    /// Money in positive, money out negative.
    pub amount: f64,
    pub currency: String,
    pub relation_code: Option<String>,
    pub relation_name: Option<String>,
    /// The contra GL account (debtors for a receipt, creditors for a payment); not given when
    /// one bank account is read from its journal.
    pub contra_gl_account_code: Option<String>,
    pub contra_gl_account_description: Option<String>,
    /// The invoice number the line settles, when known.
    pub invoice_number: Option<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct BankAccount {
    /// The bank journal's code.
    pub code: String,
    pub description: String,
    pub iban: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TransactionsOutput {
    pub division: i64,
    /// The bank account read, when `bank_account` was given.
    pub bank_account: Option<BankAccount>,
    pub lines: Vec<BankLine>,
    pub count: usize,
    /// Sums over this page.
    pub money_in: f64,
    pub money_out: f64,
    pub net: f64,
    pub has_more: bool,
    pub cursor: Option<String>,
}

pub async fn transactions(
    ctx: &ToolCtx<'_>,
    args: TransactionsArgs,
) -> Result<TransactionsOutput, ToolError> {
    const TOOL: &str = "get_bank_transactions";
    let limit = check_limit(args.limit, 100, 500)?;
    let dates = odata::date_range(args.from_date.as_deref(), args.to_date.as_deref())?;
    let journal = args
        .bank_account
        .as_deref()
        .filter(|b| !b.trim().is_empty())
        .map(|b| odata::clean_text("bank_account", b))
        .transpose()?;
    let target = ctx.target(args.division)?;
    let mut clauses = odata::date_clauses("Date", dates);
    let (spec, account) = match journal {
        None => (&BANK_ENTRY_LINES, None),
        Some(code) => {
            let account = bank_journal(ctx, &target, &code).await?;
            // Bank entry lines do not name their journal; the ledger's lines do.
            clauses.push(format!("JournalCode eq {}", odata::text(&account.0.code)));
            clauses.push(format!("GLAccountCode eq {}", odata::text(&account.1)));
            (&BANK_JOURNAL_LINES, Some(account.0))
        }
    };
    let filter = odata::all_of(clauses);
    let page = list_page(
        ctx,
        &target,
        (TOOL, spec),
        filter,
        limit,
        args.cursor.as_deref(),
    )
    .await?;
    let lines: Vec<BankLine> = page
        .rows
        .iter()
        .map(|r| BankLine {
            id: row::text_or_empty(r, "ID"),
            entry_number: row::int(r, "EntryNumber"),
            date: row::date(r, "Date"),
            description: row::text(r, "Description"),
            amount: cents(row::num(r, "AmountDC")),
            currency: row::text(r, "Currency").unwrap_or_else(|| "EUR".into()),
            relation_code: row::text(r, "AccountCode"),
            relation_name: row::text(r, "AccountName"),
            contra_gl_account_code: row::text(r, "GLAccountCode").filter(|_| account.is_none()),
            contra_gl_account_description: row::text(r, "GLAccountDescription"),
            invoice_number: row::int(r, "OurRef").or_else(|| row::int(r, "InvoiceNumber")),
        })
        .collect();
    let money_in: f64 = lines.iter().map(|l| l.amount.max(0.0)).sum();
    let money_out: f64 = lines.iter().map(|l| (-l.amount).max(0.0)).sum();
    Ok(TransactionsOutput {
        division: target.division,
        bank_account: account,
        count: lines.len(),
        lines,
        money_in: cents(money_in),
        money_out: cents(money_out),
        net: cents(money_in - money_out),
        has_more: page.has_more(),
        cursor: page.cursor,
    })
}

/// The bank or cash journal `code` and its GL account, or an error naming the ones there are.
async fn bank_journal(
    ctx: &ToolCtx<'_>,
    target: &crate::server::mcp::caller::Target,
    code: &str,
) -> Result<(BankAccount, String), ToolError> {
    let journals = fetch_all(
        ctx,
        target,
        &BANK_JOURNALS,
        Some(format!("Type eq {BANK_JOURNAL} or Type eq {CASH_JOURNAL}")),
    )
    .await?;
    let found = journals
        .iter()
        .find(|j| row::text(j, "Code").as_deref() == Some(code));
    match found.and_then(|j| Some((j, row::text(j, "GLAccountCode")?))) {
        Some((j, gl)) => Ok((
            BankAccount {
                code: code.to_string(),
                description: row::text_or_empty(j, "Description"),
                iban: row::text(j, "BankAccountIBAN"),
            },
            gl,
        )),
        None => {
            let known: Vec<String> = journals
                .iter()
                .map(|j| {
                    format!(
                        "{} ({})",
                        row::text_or_empty(j, "Code"),
                        row::text_or_empty(j, "Description")
                    )
                })
                .collect();
            Err(ToolError::invalid(format!(
                "`bank_account` must be the code of a bank or cash journal of this administration: {}.",
                if known.is_empty() {
                    "it has none".to_string()
                } else {
                    known.join(", ")
                }
            )))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Cash-flow forecast

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForecastArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// How far ahead: 30, 60 or 90 days (default 30).
    #[schemars(range(min = 30, max = 90))]
    pub forecast_days: Option<u32>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ForecastWeek {
    /// First and last day of this part of the forecast (YYYY-MM-DD).
    pub from: String,
    pub to: String,
    /// Open receivables due in these days (the overdue ones count in the first week).
    pub expected_in: f64,
    /// Open payables due in these days (the overdue ones count in the first week).
    pub expected_out: f64,
    pub net: f64,
    /// Cash and bank at the end of these days if everything is paid on its due date.
    pub closing_balance: f64,
    pub receivables_count: usize,
    pub payables_count: usize,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ForecastOutput {
    pub division: i64,
    /// The day the forecast starts from (today).
    pub as_of: String,
    pub forecast_days: u32,
    pub currency: String,
    /// Cash and bank accounts today (their reporting balance through the current period).
    pub opening_balance: f64,
    pub expected_in: f64,
    pub expected_out: f64,
    pub closing_balance: f64,
    /// The lowest closing balance of the weeks, and the last day of that week.
    pub lowest_balance: f64,
    pub lowest_balance_on: String,
    /// Of `expected_in` and `expected_out`: what was already overdue today.
    pub overdue_in: f64,
    pub overdue_out: f64,
    /// Money in minus money out over the bank in the last 90 days, for the trend (not part of
    /// the forecast, which counts only known open items).
    pub bank_net_flow_last_90_days: f64,
    /// Seven-day steps from tomorrow (the last one shorter).
    pub weeks: Vec<ForecastWeek>,
    /// How the forecast is made.
    pub method: String,
}

/// One open item's amount and the forecast day it counts on (0-based from tomorrow).
fn due_day(r: &Value, today: NaiveDate) -> (f64, i64) {
    let due = row::naive_date(r, "DueDate").unwrap_or(today);
    // Overdue or due today: expected in the first days.
    (
        (row::num(r, "Amount")),
        ((due - today).num_days() - 1).max(0),
    )
}

pub async fn forecast(ctx: &ToolCtx<'_>, args: ForecastArgs) -> Result<ForecastOutput, ToolError> {
    let days = args.forecast_days.unwrap_or(30);
    if ![30, 60, 90].contains(&days) {
        return Err(ToolError::invalid("`forecast_days` must be 30, 60 or 90."));
    }
    let today = ctx.today();
    let target = ctx.target(args.division)?;
    let chart = chart::read(ctx, &target).await?;
    let opening = ledger::cash_balance(
        ctx,
        &target,
        &chart,
        i64::from(today.year()),
        i64::from(today.month()),
    )
    .await?;
    let receivables = fetch_all(ctx, &target, &RECEIVABLES, None).await?;
    let payables = fetch_all(ctx, &target, &PAYABLES, None).await?;
    let since = today.checked_sub_days(Days::new(90)).unwrap_or(today);
    let recent = fetch_all(
        ctx,
        &target,
        &RECENT_BANK_LINES,
        Some(format!("Date gt {}", odata::datetime(since))),
    )
    .await?;

    let weeks_count = days.div_ceil(7) as usize;
    let mut weeks: Vec<ForecastWeek> = (0..weeks_count)
        .map(|w| {
            let first = 1 + 7 * w as u64;
            let last = (first + 6).min(u64::from(days));
            let day = |n: u64| {
                today
                    .checked_add_days(Days::new(n))
                    .unwrap_or(today)
                    .format("%Y-%m-%d")
                    .to_string()
            };
            ForecastWeek {
                from: day(first),
                to: day(last),
                expected_in: 0.0,
                expected_out: 0.0,
                net: 0.0,
                closing_balance: 0.0,
                receivables_count: 0,
                payables_count: 0,
            }
        })
        .collect();
    let (mut overdue_in, mut overdue_out) = (0.0, 0.0);
    for (rows, incoming) in [(&receivables, true), (&payables, false)] {
        for r in rows.iter() {
            let (amount, day) = due_day(r, today);
            if day >= i64::from(days) {
                continue;
            }
            let overdue = row::naive_date(r, "DueDate").is_some_and(|d| d < today);
            let week = &mut weeks[(day / 7) as usize];
            if incoming {
                week.expected_in += amount;
                week.receivables_count += 1;
                if overdue {
                    overdue_in += amount;
                }
            } else {
                week.expected_out += amount;
                week.payables_count += 1;
                if overdue {
                    overdue_out += amount;
                }
            }
        }
    }
    let mut balance = opening;
    let (mut lowest, mut lowest_on) = (opening, today.format("%Y-%m-%d").to_string());
    for w in &mut weeks {
        balance += w.expected_in - w.expected_out;
        w.net = cents(w.expected_in - w.expected_out);
        w.expected_in = cents(w.expected_in);
        w.expected_out = cents(w.expected_out);
        w.closing_balance = cents(balance);
        if balance < lowest {
            lowest = balance;
            lowest_on = w.to.clone();
        }
    }
    let expected_in: f64 = weeks.iter().map(|w| w.expected_in).sum();
    let expected_out: f64 = weeks.iter().map(|w| w.expected_out).sum();
    Ok(ForecastOutput {
        division: target.division,
        as_of: today.format("%Y-%m-%d").to_string(),
        forecast_days: days,
        currency: "EUR".to_string(),
        opening_balance: cents(opening),
        expected_in: cents(expected_in),
        expected_out: cents(expected_out),
        closing_balance: cents(balance),
        lowest_balance: cents(lowest),
        lowest_balance_on: lowest_on,
        overdue_in: cents(overdue_in),
        overdue_out: cents(overdue_out),
        bank_net_flow_last_90_days: cents(recent.iter().map(|r| row::num(r, "AmountDC")).sum()),
        weeks,
        method: "Opening balance: the cash and bank GL accounts' balance through the current period. \
                 Every open receivable is expected in on its due date and every open payable out on \
                 its due date; overdue ones count in the first week; items due later than the \
                 horizon are left out. Amounts are rounded to the cent per week."
            .to_string(),
    })
}
