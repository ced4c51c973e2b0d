//! get_journal_entries: general journal (memorial) entries from
//! `generaljournalentry/GeneralJournalEntries`, each with its lines from
//! `generaljournalentry/GeneralJournalEntryLines`. The entry carries the journal, year, period and
//! status; the date and the GL accounts are on its lines, so those filters keep the entries with
//! a matching line (a page can then hold fewer entries than `limit`).
//!
//! Field lists: Exact's REST reference for GeneralJournalEntryGeneralJournalEntries and
//! GeneralJournalEntryGeneralJournalEntryLines.

use super::{ListSpec, ToolCtx, ToolError, cents, check_limit, fetch_rows, list_page_of, row};
use crate::server::mcp::odata;
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

const ENTRIES: ListSpec = ListSpec {
    path: "generaljournalentry/GeneralJournalEntries",
    key: "EntryID",
    select: "EntryID,EntryNumber,FinancialYear,FinancialPeriod,JournalCode,JournalDescription,Currency,Status,TypeDescription,Reversal",
    what: "general journal entries",
    module: None,
};
const LINES: ListSpec = ListSpec {
    path: "generaljournalentry/GeneralJournalEntryLines",
    key: "ID",
    select: "ID,EntryID,LineNumber,Date,GLAccountCode,GLAccountDescription,AmountDC,Description,CostCenter,AssetCode,VATCode",
    what: "general journal entry lines",
    module: None,
};

/// Entries whose lines one request asks for (`EntryID eq … or …`, about 60 characters each, so
/// the URL stays well under Exact's limit).
const ENTRIES_PER_LINES_REQUEST: usize = 25;

/// Lines one entry may list (a memorial entry is a handful; a large one is cut and says so).
const MAX_LINES_PER_ENTRY: usize = 200;

#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    All,
    /// Open: entered but not processed.
    Draft,
    /// Processed.
    Processed,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Entries with a line dated on or after this day (YYYY-MM-DD).
    pub from_date: Option<String>,
    /// Entries with a line dated on or before this day (YYYY-MM-DD).
    pub to_date: Option<String>,
    /// Journal code, e.g. "90".
    pub journal_code: Option<String>,
    /// Entries with a line on this GL account code.
    pub gl_account: Option<String>,
    /// all (default), draft (open) or processed.
    #[serde(default)]
    pub status: Status,
    /// Financial year, e.g. 2026.
    #[schemars(range(min = 1900, max = 2100))]
    pub financial_year: Option<i64>,
    /// Financial period, 1 to 13.
    #[schemars(range(min = 1, max = 13))]
    pub financial_period: Option<i64>,
    /// Entries per page, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct EntryLine {
    pub line_number: Option<i64>,
    pub date: Option<String>,
    pub gl_account_code: Option<String>,
    pub gl_account_description: Option<String>,
    pub description: Option<String>,
    /// Debit positive, credit negative.
    pub amount: f64,
    pub cost_center: Option<String>,
    pub asset_code: Option<String>,
    pub vat_code: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Entry {
    pub id: String,
    pub entry_number: Option<i64>,
    pub year: Option<i64>,
    pub period: Option<i64>,
    pub journal_code: Option<String>,
    pub journal_description: Option<String>,
    /// draft (open), processed or rejected.
    pub status: String,
    /// Exact's entry type: opening balance or other.
    pub entry_type: Option<String>,
    pub reversal: bool,
    pub currency: String,
    /// The first line's date.
    pub date: Option<String>,
    pub total_debit: f64,
    pub total_credit: f64,
    pub lines: Vec<EntryLine>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub division: i64,
    pub entries: Vec<Entry>,
    pub count: usize,
    pub has_more: bool,
    pub cursor: Option<String>,
}

/// The line filters, applied to each entry's lines.
struct LineFilter {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    gl_account: Option<String>,
}

impl LineFilter {
    fn is_set(&self) -> bool {
        self.from.is_some() || self.to.is_some() || self.gl_account.is_some()
    }

    fn matches(&self, line: &Value) -> bool {
        let date = row::naive_date(line, "Date");
        self.from.is_none_or(|f| date.is_some_and(|d| d >= f))
            && self.to.is_none_or(|t| date.is_some_and(|d| d <= t))
            && self
                .gl_account
                .as_ref()
                .is_none_or(|g| row::text(line, "GLAccountCode").as_ref() == Some(g))
    }
}

pub async fn list(ctx: &ToolCtx<'_>, args: Args) -> Result<Output, ToolError> {
    const TOOL: &str = "get_journal_entries";
    let limit = check_limit(args.limit, 100, 500)?;
    let (from, to) = odata::date_range(args.from_date.as_deref(), args.to_date.as_deref())?;
    let text = |name: &str, v: &Option<String>| odata::optional_text(name, v.as_deref());
    let lines_filter = LineFilter {
        from,
        to,
        gl_account: text("gl_account", &args.gl_account)?,
    };
    let mut clauses = Vec::new();
    if let Some(j) = text("journal_code", &args.journal_code)? {
        clauses.push(format!("JournalCode eq {}", odata::text(&j)));
    }
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
    clauses.push(
        match args.status {
            Status::All => "",
            Status::Draft => "Status eq 20",
            Status::Processed => "Status eq 50",
        }
        .to_string(),
    );
    // Line filters narrow the entries by year too, so fewer headers are read for nothing.
    if args.financial_year.is_none()
        && let (Some(f), Some(t)) = (from, to)
    {
        use chrono::Datelike;
        clauses.push(format!(
            "FinancialYear ge {} and FinancialYear le {}",
            f.year(),
            t.year()
        ));
    }
    let filter = odata::all_of(clauses);
    let target = ctx.target(args.division)?;
    // The cursor continues the same question: the line filters are part of it.
    let also = format!("{from:?}|{to:?}|{:?}", lines_filter.gl_account);
    let page = list_page_of(
        ctx,
        &target,
        (TOOL, &ENTRIES),
        (filter, &also),
        limit,
        args.cursor.as_deref(),
    )
    .await?;
    let mut lines: Vec<Value> = Vec::new();
    for chunk in page.rows.chunks(ENTRIES_PER_LINES_REQUEST) {
        let ids: Vec<String> = chunk
            .iter()
            .filter_map(|e| row::text(e, "EntryID"))
            .filter_map(|id| odata::parse_guid("EntryID", &id).ok())
            .map(|id| format!("EntryID eq {}", odata::guid(&id)))
            .collect();
        if ids.is_empty() {
            continue;
        }
        let listed = fetch_rows(
            ctx,
            &target,
            &LINES,
            Some(ids.join(" or ")),
            None,
            chunk.len() * MAX_LINES_PER_ENTRY,
        )
        .await?;
        if listed.more {
            ctx.budget.mark_cut();
        }
        lines.extend(listed.rows);
    }
    let entries: Vec<Entry> = page
        .rows
        .iter()
        .filter_map(|e| {
            let id = row::text_or_empty(e, "EntryID");
            let own: Vec<&Value> = lines
                .iter()
                .filter(|l| row::text(l, "EntryID").as_deref() == Some(id.as_str()))
                .collect();
            if lines_filter.is_set() && !own.iter().any(|l| lines_filter.matches(l)) {
                return None;
            }
            Some(entry(e, id, &own))
        })
        .collect();
    Ok(Output {
        division: target.division,
        count: entries.len(),
        entries,
        has_more: page.has_more(),
        cursor: page.cursor,
    })
}

fn entry(e: &Value, id: String, own: &[&Value]) -> Entry {
    let mut lines: Vec<EntryLine> = own
        .iter()
        .map(|l| EntryLine {
            line_number: row::int(l, "LineNumber"),
            date: row::date(l, "Date"),
            gl_account_code: row::text(l, "GLAccountCode"),
            gl_account_description: row::text(l, "GLAccountDescription"),
            description: row::text(l, "Description"),
            amount: cents(row::num(l, "AmountDC")),
            cost_center: row::text(l, "CostCenter"),
            asset_code: row::text(l, "AssetCode"),
            vat_code: row::text(l, "VATCode"),
        })
        .collect();
    lines.sort_by_key(|l| l.line_number);
    Entry {
        id,
        entry_number: row::int(e, "EntryNumber"),
        year: row::int(e, "FinancialYear"),
        period: row::int(e, "FinancialPeriod"),
        journal_code: row::text(e, "JournalCode"),
        journal_description: row::text(e, "JournalDescription"),
        status: match row::int(e, "Status") {
            Some(50) => "processed",
            Some(5) => "rejected",
            _ => "draft",
        }
        .to_string(),
        entry_type: row::text(e, "TypeDescription"),
        reversal: row::flag(e, "Reversal"),
        currency: row::text(e, "Currency").unwrap_or_else(|| "EUR".into()),
        date: lines.first().and_then(|l| l.date.clone()),
        total_debit: cents(lines.iter().map(|l| l.amount.max(0.0)).sum()),
        total_credit: cents(lines.iter().map(|l| (-l.amount).max(0.0)).sum()),
        lines,
    }
}
