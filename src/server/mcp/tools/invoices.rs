//! get_sales_invoices, get_purchase_invoices and get_outstanding_invoices. Posted invoices come
//! from `salesentry/SalesEntries` and `purchaseentry/PurchaseEntries`; whether one is still open
//! comes from `read/financial/ReceivablesList` and `PayablesList`, Exact's own open-item lists.

use super::{
    ListSpec, PAGE_ROWS, ToolCtx, ToolError, cents, check_limit, fetch_all, fetch_page, fetch_rows,
    next_cursor, read_cursor, row,
};
use crate::server::mcp::{caller::Target, cursor, odata};
use chrono::{Days, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;

const SALES_ENTRIES: ListSpec = ListSpec {
    path: "salesentry/SalesEntries",
    key: "EntryID",
    select: "EntryID,EntryNumber,InvoiceNumber,EntryDate,DueDate,Customer,CustomerName,AmountDC,VATAmountDC,Currency,Description,YourRef",
    what: "sales invoices",
    module: None,
};
const DRAFT_INVOICES: ListSpec = ListSpec {
    path: "salesinvoice/SalesInvoices",
    key: "InvoiceID",
    select: "InvoiceID,InvoiceNumber,InvoiceDate,DueDate,InvoiceTo,InvoiceToName,AmountDC,VATAmountDC,Currency,Description,YourRef",
    what: "draft sales invoices",
    module: None,
};
const PURCHASE_ENTRIES: ListSpec = ListSpec {
    path: "purchaseentry/PurchaseEntries",
    key: "EntryID",
    select: "EntryID,EntryNumber,EntryDate,DueDate,Supplier,SupplierName,AmountDC,VATAmountDC,Currency,Description,YourRef",
    what: "purchase invoices",
    module: None,
};
const OUTSTANDING_SELECT: &str = "HID,AccountId,AccountCode,AccountName,Amount,CurrencyCode,Description,DueDate,EntryNumber,InvoiceDate,InvoiceNumber,YourRef";
const RECEIVABLES: ListSpec = ListSpec {
    path: "read/financial/ReceivablesList",
    key: "HID",
    select: OUTSTANDING_SELECT,
    what: "receivables",
    module: None,
};
const PAYABLES: ListSpec = ListSpec {
    path: "read/financial/PayablesList",
    key: "HID",
    select: OUTSTANDING_SELECT,
    what: "payables",
    module: None,
};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum InvoiceStatus {
    /// Posted and not (fully) paid.
    Open,
    /// Posted and paid.
    Paid,
    /// Sales only: created but not yet posted.
    Draft,
    /// Every posted invoice (default).
    #[default]
    All,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SalesArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// open, paid, draft or all (default all posted invoices).
    #[serde(default)]
    pub status: InvoiceStatus,
    /// Only this customer's invoices: the customer's ID (GUID) from get_relations or search_relations.
    pub customer_id: Option<String>,
    /// Invoices dated on or after this day (YYYY-MM-DD).
    pub from_date: Option<String>,
    /// Invoices dated on or before this day (YYYY-MM-DD).
    pub to_date: Option<String>,
    /// Rows per page, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PurchaseArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// open, paid or all (default all).
    #[serde(default)]
    pub status: InvoiceStatus,
    /// Only this supplier's invoices: the supplier's ID (GUID) from get_relations or search_relations.
    pub supplier_id: Option<String>,
    /// Entries dated on or after this day (YYYY-MM-DD).
    pub from_date: Option<String>,
    /// Entries dated on or before this day (YYYY-MM-DD).
    pub to_date: Option<String>,
    /// Rows per page, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Invoice {
    pub id: String,
    pub entry_number: Option<i64>,
    /// The invoice number (sales) or the supplier's reference (purchases).
    pub invoice_number: Option<String>,
    /// Invoice or entry date, YYYY-MM-DD.
    pub date: Option<String>,
    pub due_date: Option<String>,
    pub relation_id: Option<String>,
    pub relation_name: Option<String>,
    /// Amount including VAT.
    pub amount: f64,
    pub vat_amount: f64,
    pub currency: String,
    /// open, paid or draft.
    pub status: String,
    /// What is still to be paid (0 when paid).
    pub open_amount: f64,
    pub days_overdue: i64,
    pub description: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct InvoicesOutput {
    pub division: i64,
    pub invoices: Vec<Invoice>,
    pub count: usize,
    /// Sum of `amount` over this page.
    pub total_amount: f64,
    /// Sum of `open_amount` over this page.
    pub total_open: f64,
    pub has_more: bool,
    pub cursor: Option<String>,
}

struct Side {
    tool: &'static str,
    entries: &'static ListSpec,
    open_items: &'static ListSpec,
    date_field: &'static str,
    relation_field: &'static str,
    relation_name: &'static str,
    number_field: &'static str,
}

const SALES: Side = Side {
    tool: "get_sales_invoices",
    entries: &SALES_ENTRIES,
    open_items: &RECEIVABLES,
    date_field: "EntryDate",
    relation_field: "Customer",
    relation_name: "CustomerName",
    number_field: "InvoiceNumber",
};
const PURCHASES: Side = Side {
    tool: "get_purchase_invoices",
    entries: &PURCHASE_ENTRIES,
    open_items: &PAYABLES,
    date_field: "EntryDate",
    relation_field: "Supplier",
    relation_name: "SupplierName",
    number_field: "YourRef",
};

pub async fn sales(ctx: &ToolCtx<'_>, args: SalesArgs) -> Result<InvoicesOutput, ToolError> {
    let limit = check_limit(args.limit, 100, 500)?;
    let relation = args
        .customer_id
        .as_deref()
        .map(|id| odata::parse_guid("customer_id", id))
        .transpose()?;
    let dates = odata::date_range(args.from_date.as_deref(), args.to_date.as_deref())?;
    if args.status == InvoiceStatus::Draft {
        return drafts(ctx, args.division, relation, dates, limit, args.cursor).await;
    }
    invoices(
        ctx,
        &SALES,
        args.division,
        args.status,
        relation,
        dates,
        limit,
        args.cursor,
    )
    .await
}

pub async fn purchase(ctx: &ToolCtx<'_>, args: PurchaseArgs) -> Result<InvoicesOutput, ToolError> {
    let limit = check_limit(args.limit, 100, 500)?;
    if args.status == InvoiceStatus::Draft {
        return Err(ToolError::invalid(
            "`status` draft exists for sales invoices only; use open, paid or all.",
        ));
    }
    let relation = args
        .supplier_id
        .as_deref()
        .map(|id| odata::parse_guid("supplier_id", id))
        .transpose()?;
    let dates = odata::date_range(args.from_date.as_deref(), args.to_date.as_deref())?;
    invoices(
        ctx,
        &PURCHASES,
        args.division,
        args.status,
        relation,
        dates,
        limit,
        args.cursor,
    )
    .await
}

fn date_clauses(field: &str, (from, to): (Option<NaiveDate>, Option<NaiveDate>)) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(f) = from {
        out.push(format!("{field} ge {}", odata::datetime(f)));
    }
    if let Some(t) = to {
        out.push(format!("{field} le {}", odata::datetime(t)));
    }
    out
}

/// Open amounts by entry number, from the open-item list (for one relation when given).
async fn open_amounts(
    ctx: &ToolCtx<'_>,
    target: &Target,
    spec: &ListSpec,
    relation: Option<&str>,
) -> Result<HashMap<i64, f64>, ToolError> {
    let filter = relation.map(|id| format!("AccountId eq {}", odata::guid(id)));
    let rows = fetch_all(ctx, target, spec, filter).await?;
    let mut open = HashMap::new();
    for r in &rows {
        if let Some(n) = row::int(r, "EntryNumber") {
            *open.entry(n).or_insert(0.0) += row::num(r, "Amount");
        }
    }
    Ok(open)
}

/// Open invoices lie between the lowest and highest open entry number: Exact narrows the
/// entries to that range, so fewer pages are read to find them.
fn open_range_clause(open: &HashMap<i64, f64>) -> Option<String> {
    let low = open.keys().min()?;
    let high = open.keys().max()?;
    Some(format!("EntryNumber ge {low} and EntryNumber le {high}"))
}

#[allow(clippy::too_many_arguments)]
async fn invoices(
    ctx: &ToolCtx<'_>,
    side: &Side,
    division: Option<i64>,
    status: InvoiceStatus,
    relation: Option<String>,
    dates: (Option<NaiveDate>, Option<NaiveDate>),
    limit: usize,
    cursor_arg: Option<String>,
) -> Result<InvoicesOutput, ToolError> {
    let target = ctx.target(division)?;
    let mut clauses = Vec::new();
    if let Some(id) = &relation {
        clauses.push(format!("{} eq {}", side.relation_field, odata::guid(id)));
    }
    clauses.extend(date_clauses(side.date_field, dates));
    let filter = odata::all_of(clauses.clone());
    let status_name = format!("{status:?}");
    let fp = cursor::fingerprint(&[
        &target.division.to_string(),
        filter.as_deref().unwrap_or(""),
        &status_name,
    ]);
    let after = read_cursor(side.tool, cursor_arg.as_deref(), &fp)?.map(|p| p.skiptoken);
    let open = open_amounts(ctx, &target, side.open_items, relation.as_deref()).await?;
    let today = ctx.today();

    // Open and paid are decided against the open-item list; the entries are read a page at a
    // time, within the call's budget, until the page of matches is full.
    let wanted = |r: &Value| {
        let is_open = row::int(r, "EntryNumber").is_some_and(|n| open.contains_key(&n));
        match status {
            InvoiceStatus::Open => is_open,
            InvoiceStatus::Paid => !is_open,
            InvoiceStatus::All | InvoiceStatus::Draft => true,
        }
    };
    let (rows, next) = match status {
        InvoiceStatus::All | InvoiceStatus::Draft => {
            let page = fetch_page(ctx, &target, side.entries, filter, limit, after).await?;
            (page.rows, page.next)
        }
        InvoiceStatus::Open if open.is_empty() => (Vec::new(), None),
        InvoiceStatus::Open => {
            clauses.extend(open_range_clause(&open));
            let narrowed = odata::all_of(clauses);
            collect_matching(ctx, &target, side.entries, narrowed, limit, after, wanted).await?
        }
        InvoiceStatus::Paid => {
            collect_matching(ctx, &target, side.entries, filter, limit, after, wanted).await?
        }
    };

    let invoices: Vec<Invoice> = rows
        .iter()
        .map(|r| {
            let number = row::int(r, "EntryNumber");
            let open_amount = number.and_then(|n| open.get(&n).copied());
            let due = row::naive_date(r, "DueDate");
            Invoice {
                id: row::text_or_empty(r, side.entries.key),
                entry_number: number,
                invoice_number: r.get(side.number_field).and_then(|v| match v {
                    Value::Number(n) => Some(n.to_string()),
                    Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                    _ => None,
                }),
                date: row::date(r, side.date_field),
                due_date: row::date(r, "DueDate"),
                relation_id: row::text(r, side.relation_field),
                relation_name: row::text(r, side.relation_name),
                amount: cents(row::num(r, "AmountDC")),
                vat_amount: cents(row::num(r, "VATAmountDC")),
                currency: row::text(r, "Currency").unwrap_or_else(|| "EUR".into()),
                status: if open_amount.is_some() {
                    "open"
                } else {
                    "paid"
                }
                .to_string(),
                open_amount: cents(open_amount.unwrap_or(0.0)),
                days_overdue: if open_amount.is_some() {
                    row::days_overdue(due, today)
                } else {
                    0
                },
                description: row::text(r, "Description"),
            }
        })
        .collect();
    Ok(summarise(
        target.division,
        invoices,
        next.map(|k| next_cursor(side.tool, &fp, 0, k)),
    ))
}

fn summarise(division: i64, invoices: Vec<Invoice>, cursor: Option<String>) -> InvoicesOutput {
    InvoicesOutput {
        division,
        count: invoices.len(),
        total_amount: cents(invoices.iter().map(|i| i.amount).sum()),
        total_open: cents(invoices.iter().map(|i| i.open_amount).sum()),
        has_more: cursor.is_some(),
        cursor,
        invoices,
    }
}

/// Up to `limit` rows that pass `wanted`, read one Exact page at a time after `after` while
/// the call's budget lasts. The next position is after the last row kept when another match
/// follows, or after the last row examined when the budget stopped the search.
async fn collect_matching(
    ctx: &ToolCtx<'_>,
    target: &Target,
    spec: &ListSpec,
    filter: Option<String>,
    limit: usize,
    mut after: Option<String>,
    wanted: impl Fn(&Value) -> bool,
) -> Result<(Vec<Value>, Option<String>), ToolError> {
    let key_of = |r: &Value| r.get(spec.key).and_then(odata::skiptoken);
    let mut out: Vec<Value> = Vec::new();
    loop {
        let listed =
            fetch_rows(ctx, target, spec, filter.clone(), after.clone(), PAGE_ROWS).await?;
        let last_read = listed.rows.last().and_then(key_of);
        for r in listed.rows {
            if wanted(&r) {
                if out.len() == limit {
                    // One more match exists: continue after the last row kept.
                    let next = out.last().and_then(key_of);
                    return Ok((out, next));
                }
                out.push(r);
            }
        }
        if !listed.more {
            return Ok((out, None));
        }
        match last_read {
            Some(key) if !ctx.budget.exhausted() => after = Some(key),
            last => {
                ctx.budget.mark_cut();
                return Ok((out, last.or(after)));
            }
        }
    }
}

async fn drafts(
    ctx: &ToolCtx<'_>,
    division: Option<i64>,
    relation: Option<String>,
    dates: (Option<NaiveDate>, Option<NaiveDate>),
    limit: usize,
    cursor_arg: Option<String>,
) -> Result<InvoicesOutput, ToolError> {
    let tool = "get_sales_invoices";
    let target = ctx.target(division)?;
    let mut clauses = Vec::new();
    if let Some(id) = &relation {
        clauses.push(format!("InvoiceTo eq {}", odata::guid(id)));
    }
    clauses.extend(date_clauses("InvoiceDate", dates));
    let filter = odata::all_of(clauses);
    let fp = cursor::fingerprint(&[
        &target.division.to_string(),
        filter.as_deref().unwrap_or(""),
        "Draft",
    ]);
    let after = read_cursor(tool, cursor_arg.as_deref(), &fp)?.map(|p| p.skiptoken);
    let page = fetch_page(ctx, &target, &DRAFT_INVOICES, filter, limit, after).await?;
    let invoices = page
        .rows
        .iter()
        .map(|r| Invoice {
            id: row::text_or_empty(r, "InvoiceID"),
            entry_number: None,
            invoice_number: row::int(r, "InvoiceNumber").map(|n| n.to_string()),
            date: row::date(r, "InvoiceDate"),
            due_date: row::date(r, "DueDate"),
            relation_id: row::text(r, "InvoiceTo"),
            relation_name: row::text(r, "InvoiceToName"),
            amount: cents(row::num(r, "AmountDC")),
            vat_amount: cents(row::num(r, "VATAmountDC")),
            currency: row::text(r, "Currency").unwrap_or_else(|| "EUR".into()),
            status: "draft".to_string(),
            open_amount: 0.0,
            days_overdue: 0,
            description: row::text(r, "Description"),
        })
        .collect();
    Ok(summarise(
        target.division,
        invoices,
        page.next.map(|k| next_cursor(tool, &fp, 0, k)),
    ))
}

// ---------------------------------------------------------------------------------------------
// Outstanding items

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OutstandingType {
    Receivable,
    Payable,
    #[default]
    Both,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutstandingArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// receivable, payable or both (default both).
    #[serde(rename = "type", default)]
    pub kind: OutstandingType,
    /// Only this customer's receivables (GUID from get_relations or search_relations).
    pub customer_id: Option<String>,
    /// Only this supplier's payables (GUID from get_relations or search_relations).
    pub supplier_id: Option<String>,
    /// Only items past their due date (default false).
    pub overdue_only: Option<bool>,
    /// Only items at least this many days past due (0 to 3650).
    #[schemars(range(min = 0, max = 3650))]
    pub min_days_overdue: Option<u32>,
    /// Rows per page, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OutstandingItem {
    /// receivable or payable.
    #[serde(rename = "type")]
    pub kind: String,
    pub relation_id: Option<String>,
    pub relation_code: Option<String>,
    pub relation_name: Option<String>,
    pub invoice_number: Option<i64>,
    pub entry_number: Option<i64>,
    pub invoice_date: Option<String>,
    pub due_date: Option<String>,
    /// The amount still open.
    pub amount: f64,
    pub currency: String,
    pub days_overdue: i64,
    pub description: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OutstandingOutput {
    pub division: i64,
    pub items: Vec<OutstandingItem>,
    pub count: usize,
    /// Sums over this page.
    pub total_receivable: f64,
    pub total_payable: f64,
    pub total_overdue: f64,
    pub has_more: bool,
    pub cursor: Option<String>,
}

pub async fn outstanding(
    ctx: &ToolCtx<'_>,
    args: OutstandingArgs,
) -> Result<OutstandingOutput, ToolError> {
    const TOOL: &str = "get_outstanding_invoices";
    let limit = check_limit(args.limit, 100, 500)?;
    let customer = args
        .customer_id
        .as_deref()
        .map(|id| odata::parse_guid("customer_id", id))
        .transpose()?;
    let supplier = args
        .supplier_id
        .as_deref()
        .map(|id| odata::parse_guid("supplier_id", id))
        .transpose()?;
    let min_days = args.min_days_overdue.unwrap_or(0);
    if min_days > 3650 {
        return Err(ToolError::invalid(
            "`min_days_overdue` must be between 0 and 3650.",
        ));
    }
    let threshold = if args.overdue_only.unwrap_or(false) {
        min_days.max(1)
    } else {
        min_days
    };
    // A relation filter for one side only narrows `both` to that side.
    let (receivable, payable) = match args.kind {
        OutstandingType::Receivable => (true, false),
        OutstandingType::Payable => (false, true),
        OutstandingType::Both => match (&customer, &supplier) {
            (Some(_), None) => (true, false),
            (None, Some(_)) => (false, true),
            _ => (true, true),
        },
    };
    let target = ctx.target(args.division)?;
    let today = ctx.today();
    let due_clause = (threshold > 0)
        .then(|| today.checked_sub_days(Days::new(u64::from(threshold))))
        .flatten()
        .map(|d| format!("DueDate le {}", odata::datetime(d)))
        .unwrap_or_default();
    let mut parts: Vec<(u8, &ListSpec, &str, Option<String>)> = Vec::new();
    if receivable {
        let who = customer
            .as_deref()
            .map(|id| format!("AccountId eq {}", odata::guid(id)))
            .unwrap_or_default();
        parts.push((
            0,
            &RECEIVABLES,
            "receivable",
            odata::all_of(vec![who, due_clause.clone()]),
        ));
    }
    if payable {
        let who = supplier
            .as_deref()
            .map(|id| format!("AccountId eq {}", odata::guid(id)))
            .unwrap_or_default();
        parts.push((
            1,
            &PAYABLES,
            "payable",
            odata::all_of(vec![who, due_clause.clone()]),
        ));
    }
    let filters: Vec<&str> = parts
        .iter()
        .map(|p| p.3.as_deref().unwrap_or("-"))
        .collect();
    let mut fp_parts = vec![target.division.to_string()];
    fp_parts.extend(filters.iter().map(|s| s.to_string()));
    let fp_refs: Vec<&str> = fp_parts.iter().map(String::as_str).collect();
    let fp = cursor::fingerprint(&fp_refs);
    let position = read_cursor(TOOL, args.cursor.as_deref(), &fp)?;

    let mut items = Vec::new();
    let mut next = None;
    for (part, spec, kind, filter) in parts {
        let after = match &position {
            Some(p) if p.part > part => continue,
            Some(p) if p.part == part && p.skiptoken != START => Some(p.skiptoken.clone()),
            _ => None,
        };
        let room = limit - items.len();
        if room == 0 {
            // The page is full; the next part starts from its beginning.
            let probe = fetch_page(ctx, &target, spec, filter, 1, None).await?;
            if !probe.rows.is_empty() {
                next = Some(NextAt::Start(part));
            }
            break;
        }
        let page = fetch_page(ctx, &target, spec, filter, room, after).await?;
        items.extend(page.rows.iter().map(|r| {
            let due = row::naive_date(r, "DueDate");
            OutstandingItem {
                kind: kind.to_string(),
                relation_id: row::text(r, "AccountId"),
                relation_code: row::text(r, "AccountCode"),
                relation_name: row::text(r, "AccountName"),
                invoice_number: row::int(r, "InvoiceNumber"),
                entry_number: row::int(r, "EntryNumber"),
                invoice_date: row::date(r, "InvoiceDate"),
                due_date: row::date(r, "DueDate"),
                amount: cents(row::num(r, "Amount")),
                currency: row::text(r, "CurrencyCode").unwrap_or_else(|| "EUR".into()),
                days_overdue: row::days_overdue(due, today),
                description: row::text(r, "Description"),
            }
        }));
        if let Some(k) = page.next {
            next = Some(NextAt::After(part, k));
            break;
        }
    }
    let cursor = next.map(|n| match n {
        NextAt::After(part, k) => next_cursor(TOOL, &fp, part, k),
        NextAt::Start(part) => next_cursor(TOOL, &fp, part, START.to_string()),
    });
    let sum = |kind: &str| {
        cents(
            items
                .iter()
                .filter(|i: &&OutstandingItem| i.kind == kind)
                .map(|i| i.amount)
                .sum(),
        )
    };
    Ok(OutstandingOutput {
        division: target.division,
        total_receivable: sum("receivable"),
        total_payable: sum("payable"),
        total_overdue: cents(
            items
                .iter()
                .filter(|i| i.days_overdue > 0)
                .map(|i| i.amount)
                .sum(),
        ),
        count: items.len(),
        items,
        has_more: cursor.is_some(),
        cursor,
    })
}

/// Where the next page of outstanding items begins.
enum NextAt {
    /// After this key of this list.
    After(u8, String),
    /// At the start of this list.
    Start(u8),
}

/// The skiptoken a cursor carries for "from the start of the list" (no HID is negative).
const START: &str = "-1";
