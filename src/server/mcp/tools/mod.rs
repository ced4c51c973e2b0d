//! The tool catalogue (../shared/tool-catalogue.md): definitions with JSON Schemas for input and
//! output, and the dispatcher that turns a `tools/call` into a result. Every failure a model can
//! act on (bad arguments, a division it may not use, Exact refusing) is an `isError` result with
//! a message; nothing internal reaches it.

/// [`Unavailable`] for outputs with `Default`, a `division` and an `unavailable` message: empty
/// but for those two.
macro_rules! unavailable_is_empty {
    ($($output:ty),+ $(,)?) => {
        $(impl $crate::server::mcp::tools::Unavailable for $output {
            fn unavailable(division: i64, message: String) -> Self {
                Self {
                    division,
                    unavailable: Some(message),
                    ..Default::default()
                }
            }
        })+
    };
}
use unavailable_is_empty;

mod aging;
mod assets;
mod bank;
mod chart;
mod cost_centers;
mod crm;
mod currencies;
mod customer;
mod divisions;
mod documents;
mod invoices;
mod items;
mod journal;
mod ledger;
mod orders;
mod periods;
mod prices;
mod projects;
mod relations;
mod reports;
pub(super) mod row;
mod search;
mod stock;
mod subscriptions;
mod vat;

pub use super::source::Budget;
use super::{
    caller::{Caller, Target},
    cursor::{self, Position},
    error::ToolError,
    odata,
    source::{ListQuery, Listed, MAX_REQUESTS_PER_CALL, MAX_ROWS_PER_CALL},
};
use crate::server::{mcp::meter::UsageNote, state::AppState};
use chrono::NaiveDate;
use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Tool, ToolAnnotations};
use schemars::JsonSchema;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;
use std::sync::LazyLock;

/// What a tool handler can reach: the service, the caller, the request's id for the log.
pub struct ToolCtx<'a> {
    pub state: &'a AppState,
    pub caller: &'a Caller,
    pub request_id: &'a str,
    /// Where the division read is noted for the usage record.
    pub usage: Option<&'a UsageNote>,
    /// The call's Exact requests and rows (fresh per call); every read goes through it.
    pub budget: Budget,
    /// The division the call resolved, once it has (see [`ToolCtx::target`]).
    pub resolved: ResolvedDivision,
}

/// The division a call resolved to, set once by [`ToolCtx::target`].
#[derive(Debug, Default)]
pub struct ResolvedDivision(std::sync::OnceLock<i64>);

impl ToolCtx<'_> {
    /// Where people manage connections and divisions.
    pub fn connections_url(&self) -> String {
        let base = self
            .state
            .settings
            .public_url
            .as_str()
            .trim_end_matches('/');
        format!("{base}{}", crate::server::exact::RECONNECT_PATH)
    }

    pub fn target(&self, division: Option<i64>) -> Result<Target, ToolError> {
        let target = self.caller.resolve(
            &self.state.exact,
            division,
            &self.connections_url(),
            self.state.clock.now(),
        )?;
        if let Some(note) = self.usage {
            note.set(target.source.connection_id(), target.division);
        }
        let _ = self.resolved.0.set(target.division);
        Ok(target)
    }

    /// The division [`Self::target`] resolved, if it was called.
    pub fn resolved_division(&self) -> Option<i64> {
        self.resolved.0.get().copied()
    }

    /// Today in UTC, from the service's clock.
    pub fn today(&self) -> NaiveDate {
        chrono::DateTime::from_timestamp(self.state.clock.now(), 0)
            .map(|t| t.date_naive())
            .unwrap_or_default()
    }
}

/// Rows in one page of an Exact list (most endpoints): reading this many costs one request.
pub const PAGE_ROWS: usize = demo_books::PAGE_SIZE;

/// Rows are read this many at most by the tools that summarise a whole list (the call's
/// budget usually stops them first).
pub const MAX_SCAN_ROWS: usize = MAX_ROWS_PER_CALL;

/// A list tool's page size: `limit` within `1..=max`, `default` when absent.
pub fn check_limit(limit: Option<u32>, default: u32, max: u32) -> Result<usize, ToolError> {
    match limit {
        None => Ok(default as usize),
        Some(n) if (1..=max).contains(&n) => Ok(n as usize),
        Some(_) => Err(ToolError::invalid(format!(
            "`limit` must be between 1 and {max}."
        ))),
    }
}

/// One endpoint a list tool pages through.
pub struct ListSpec {
    pub path: &'static str,
    pub key: &'static str,
    pub select: &'static str,
    /// Named in error messages: "sales invoices".
    pub what: &'static str,
    /// The Exact module that holds the endpoint, when an administration's licence may lack it
    /// (named when Exact refuses the endpoint).
    pub module: Option<&'static str>,
}

/// A page of rows and where the next one starts.
pub struct Page {
    pub rows: Vec<Value>,
    /// The `$skiptoken` after the last row, when more rows follow.
    pub next: Option<String>,
}

/// Reads up to `limit` rows after `after`, and one more to learn whether more follow. When the
/// call's budget runs out first, the page is short and `next` continues after its last row.
pub async fn fetch_page(
    ctx: &ToolCtx<'_>,
    target: &Target,
    spec: &ListSpec,
    filter: Option<String>,
    limit: usize,
    after: Option<String>,
) -> Result<Page, ToolError> {
    let listed = fetch_rows(ctx, target, spec, filter, after.clone(), limit + 1).await?;
    let mut rows = listed.rows;
    let more = rows.len() > limit || listed.more;
    rows.truncate(limit);
    let next = if !more {
        None
    } else if rows.is_empty() {
        // Nothing could be read: continue where this page was to start.
        after
    } else {
        rows.last()
            .and_then(|r| r.get(spec.key))
            .and_then(odata::skiptoken)
    };
    Ok(Page { rows, next })
}

/// Up to `max_rows` rows of a query after `after`, within the call's budget.
pub async fn fetch_rows(
    ctx: &ToolCtx<'_>,
    target: &Target,
    spec: &ListSpec,
    filter: Option<String>,
    after: Option<String>,
    max_rows: usize,
) -> Result<Listed, ToolError> {
    let query = ListQuery {
        select: spec.select,
        filter,
        skiptoken: after,
        ..Default::default()
    };
    target
        .source
        .list(&ctx.budget, target.division, spec.path, &query, max_rows)
        .await
        .map_err(|source| ToolError::Exact {
            what: spec.what,
            module: spec.module,
            source,
        })
}

/// Every row of a query the call's budget allows (at most [`MAX_SCAN_ROWS`]), for totals and
/// lookups; a read that stops early marks the call's result partial.
pub async fn fetch_all(
    ctx: &ToolCtx<'_>,
    target: &Target,
    spec: &ListSpec,
    filter: Option<String>,
) -> Result<Vec<Value>, ToolError> {
    let listed = fetch_rows(ctx, target, spec, filter, None, MAX_SCAN_ROWS).await?;
    if listed.more {
        // A total over part of the list: the result says it is partial.
        ctx.budget.mark_cut();
    }
    Ok(listed.rows)
}

/// Every row a `read/…` function answers for `params` (e.g. `year=2026`), within the budget.
pub async fn fetch_function(
    ctx: &ToolCtx<'_>,
    target: &Target,
    spec: &ListSpec,
    params: Vec<(&'static str, String)>,
) -> Result<Vec<Value>, ToolError> {
    let query = ListQuery {
        select: spec.select,
        params,
        ..Default::default()
    };
    let listed = target
        .source
        .list(
            &ctx.budget,
            target.division,
            spec.path,
            &query,
            MAX_SCAN_ROWS,
        )
        .await
        .map_err(|source| ToolError::Exact {
            what: spec.what,
            module: spec.module,
            source,
        })?;
    if listed.more {
        ctx.budget.mark_cut();
    }
    Ok(listed.rows)
}

/// IDs one request asks about (`Field eq guid'…' or …`, well under Exact's URL limit).
pub const IDS_PER_REQUEST: usize = 25;

/// Rows of `spec` whose `field` is one of `ids` (GUIDs, as read from Exact rows), also filtered
/// by `extra`, in requests of [`IDS_PER_REQUEST`] IDs; up to `per_id` rows expected per ID. A read
/// cut short marks the call partial.
pub async fn fetch_for_ids(
    ctx: &ToolCtx<'_>,
    target: &Target,
    (spec, field): (&ListSpec, &str),
    ids: &[String],
    extra: Option<&str>,
    per_id: usize,
) -> Result<Vec<Value>, ToolError> {
    let mut rows = Vec::new();
    let mut unique: Vec<String> = ids
        .iter()
        .filter_map(|id| odata::parse_guid(field, id).ok())
        .collect();
    unique.sort_unstable();
    unique.dedup();
    for chunk in unique.chunks(IDS_PER_REQUEST) {
        let any = chunk
            .iter()
            .map(|id| format!("{field} eq {}", odata::guid(id)))
            .collect::<Vec<_>>()
            .join(" or ");
        let filter = odata::all_of(vec![any, extra.unwrap_or_default().to_string()]);
        let listed = fetch_rows(ctx, target, spec, filter, None, chunk.len() * per_id).await?;
        if listed.more {
            ctx.budget.mark_cut();
        }
        rows.extend(listed.rows);
    }
    Ok(rows)
}

/// The rows of `rows` whose `field` is the GUID `id` (any case).
pub fn rows_of<'a>(
    rows: &'a [Value],
    field: &'a str,
    id: &'a str,
) -> impl Iterator<Item = &'a Value> {
    rows.iter()
        .filter(move |r| row::text(r, field).is_some_and(|v| v.eq_ignore_ascii_case(id)))
}

/// What a tool over a module an administration may lack answers when its licence lacks it: an
/// ordinary result saying so, not an error.
pub trait Unavailable: Sized {
    fn unavailable(division: i64, message: String) -> Self;
}

/// The result of a tool over a module an administration may lack (`tool`, e.g.
/// `projects::projects(ctx, args)`): when Exact refused the module, the tool's ordinary "not in
/// this licence" answer for the division it resolved instead of an error.
pub async fn unless_lacking<O: Unavailable>(
    ctx: &ToolCtx<'_>,
    tool: impl Future<Output = Result<O, ToolError>>,
) -> Result<O, ToolError> {
    let outcome = tool.await;
    match (outcome, ctx.resolved_division()) {
        (
            Err(ToolError::Exact {
                what,
                module: Some(module),
                source:
                    crate::server::exact::ExactError::Forbidden { .. }
                    | crate::server::exact::ExactError::NotFound,
            }),
            Some(division),
        ) => Ok(O::unavailable(
            division,
            format!(
                "This Exact Online administration has no {what}: its licence does not include the \
                 {module} module (or the connected Exact user has no rights for it). Nothing is \
                 wrong with the connection; the other tools still work."
            ),
        )),
        (other, _) => other,
    }
}

/// One page of a list tool: the rows, and the cursor to continue (none at the end).
pub struct ListPage {
    pub rows: Vec<Value>,
    pub cursor: Option<String>,
}

impl ListPage {
    pub fn has_more(&self) -> bool {
        self.cursor.is_some()
    }
}

/// A list tool's page of `spec` in the target division: `cursor` (from the previous page) must
/// continue the same query, and the returned cursor continues this one.
pub async fn list_page(
    ctx: &ToolCtx<'_>,
    target: &Target,
    (tool, spec): (&str, &ListSpec),
    filter: Option<String>,
    limit: usize,
    cursor: Option<&str>,
) -> Result<ListPage, ToolError> {
    list_page_of(ctx, target, (tool, spec), (filter, ""), limit, cursor).await
}

/// [`list_page`] for a tool that also filters the rows it reads: `also` names those filters,
/// so a cursor only continues the same question.
pub async fn list_page_of(
    ctx: &ToolCtx<'_>,
    target: &Target,
    (tool, spec): (&str, &ListSpec),
    (filter, also): (Option<String>, &str),
    limit: usize,
    cursor: Option<&str>,
) -> Result<ListPage, ToolError> {
    let fp = cursor::fingerprint(&[
        &target.division.to_string(),
        filter.as_deref().unwrap_or(""),
        also,
    ]);
    let after = read_cursor(tool, cursor, &fp)?.map(|p| p.skiptoken);
    let page = fetch_page(ctx, target, spec, filter, limit, after).await?;
    Ok(ListPage {
        rows: page.rows,
        cursor: page.next.map(|k| next_cursor(tool, &fp, 0, k)),
    })
}

/// The cursor argument of `tool`, checked against the query it must continue.
pub fn read_cursor(
    tool: &str,
    cursor: Option<&str>,
    fingerprint: &str,
) -> Result<Option<Position>, ToolError> {
    cursor
        .filter(|c| !c.trim().is_empty())
        .map(|c| cursor::decode(c, tool, fingerprint))
        .transpose()
}

/// A cursor to continue after `skiptoken` in list `part`.
pub fn next_cursor(tool: &str, fingerprint: &str, part: u8, skiptoken: String) -> String {
    cursor::encode(tool, fingerprint, &Position { part, skiptoken })
}

/// Amounts are summed in floating point and reported to the cent.
pub fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn definition<A: JsonSchema + 'static, O: JsonSchema + 'static>(
    name: &'static str,
    title: &'static str,
    description: &'static str,
) -> Tool {
    let mut tool = Tool::new(name, description, JsonObject::new())
        .with_input_schema::<A>()
        .with_output_schema::<O>()
        .annotate(
            ToolAnnotations::with_title(title)
                .read_only(true)
                .destructive(false)
                .idempotent(true)
                .open_world(true),
        );
    tool.title = Some(title.to_string());
    if let Some(schema) = tool.output_schema.take() {
        tool.output_schema = Some(std::sync::Arc::new(with_partial_fields((*schema).clone())));
    }
    tool
}

/// Every result says whether the call stopped early: `truncated`, and a `notice` telling the
/// model how to narrow the query. Added here and in [`run`], so no tool can leave them out.
fn with_partial_fields(mut schema: JsonObject) -> JsonObject {
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        properties.insert(
            "truncated".into(),
            serde_json::json!({
                "type": "boolean",
                "description": "true when the call stopped early at its limit of Exact requests or rows per call: lists are short and counts and totals cover only the rows read."
            }),
        );
        properties.insert(
            "notice".into(),
            serde_json::json!({
                "type": ["string", "null"],
                "description": "When truncated: what was cut and how to narrow the query."
            }),
        );
    }
    schema
}

/// What a result that stopped early tells the model.
fn partial_notice(value: &Value) -> String {
    let continue_hint = if value.get("cursor").is_some_and(|c| !c.is_null()) {
        " or call again with the returned `cursor` to continue"
    } else {
        ""
    };
    format!(
        "Partial answer: this call reached its limit of {MAX_REQUESTS_PER_CALL} Exact requests \
         ({MAX_ROWS_PER_CALL} rows) per call before reading everything, so lists are shorter and \
         counts and totals cover only the rows read. Narrow the query (a shorter date range, one \
         relation or account, fewer periods){continue_hint}."
    )
}

/// Adds `truncated` (and the `notice` when it is true) to a tool's result.
fn mark_partial(mut value: Value, budget: &Budget) -> Value {
    let cut = budget.was_cut();
    let notice = cut.then(|| partial_notice(&value));
    if let Value::Object(fields) = &mut value {
        fields.insert("truncated".into(), Value::Bool(cut));
        fields.insert("notice".into(), notice.map_or(Value::Null, Value::String));
    }
    value
}

/// Every tool this server offers, in catalogue order.
pub static TOOLS: LazyLock<Vec<Tool>> = LazyLock::new(|| {
    vec![
        definition::<divisions::Args, divisions::Output>(
            "list_divisions",
            "List divisions",
            "List the Exact Online administrations (divisions) you can read, across all your connections: \
             code, name, region, which one is the default and whether its connection needs to be renewed. \
             Use a division's code as the `division` argument of the other tools.",
        ),
        definition::<relations::RelationsArgs, relations::RelationsOutput>(
            "get_relations",
            "Get relations",
            "List customers and/or suppliers (Exact 'accounts') with contact details, VAT and Chamber of \
             Commerce numbers. Pages with `limit` and `cursor`.",
        ),
        definition::<relations::SearchArgs, relations::RelationsOutput>(
            "search_relations",
            "Search relations",
            "Find customers or suppliers whose name, code, KvK (Chamber of Commerce) or VAT number contains \
             the query text. Returns their IDs for use with get_customer_360 and the invoice tools.",
        ),
        definition::<invoices::SalesArgs, invoices::InvoicesOutput>(
            "get_sales_invoices",
            "Get sales invoices",
            "List sales invoices with amounts, due dates and whether they are still open (unpaid) or paid. \
             status 'draft' lists invoices not yet posted. Filter by customer and invoice date. \
             Totals cover the returned page.",
        ),
        definition::<invoices::PurchaseArgs, invoices::InvoicesOutput>(
            "get_purchase_invoices",
            "Get purchase invoices",
            "List purchase invoices (supplier bills) with amounts, due dates and whether they are still open \
             or paid. Filter by supplier and entry date. Totals cover the returned page.",
        ),
        definition::<invoices::OutstandingArgs, invoices::OutstandingOutput>(
            "get_outstanding_invoices",
            "Get outstanding invoices",
            "List open receivables (customers who owe you) and/or payables (what you owe suppliers), with \
             days overdue. Filter by relation, overdue only, or a minimum number of days overdue.",
        ),
        definition::<bank::TransactionsArgs, bank::TransactionsOutput>(
            "get_bank_transactions",
            "Get bank transactions",
            "List bank statement lines (money in positive, money out negative) with the relation, the \
             contra account and the invoice they settle. Filter by date and by bank account (its bank \
             journal code). Totals cover the returned page.",
        ),
        definition::<ledger::GlArgs, ledger::GlOutput>(
            "get_gl_accounts",
            "Get GL accounts",
            "List the chart of accounts (general ledger accounts): code, description, balance sheet or \
             profit & loss, debit or credit side.",
        ),
        definition::<reports::TrialBalanceArgs, reports::TrialBalanceOutput>(
            "get_trial_balance",
            "Trial balance",
            "The trial balance of a financial year through a period: debit, credit and balance per GL \
             account from the start of the year (with the opening balance), and the totals, which \
             balance.",
        ),
        definition::<bank::ForecastArgs, bank::ForecastOutput>(
            "get_cashflow_forecast",
            "Cash-flow forecast",
            "Forecast the cash position for the next 30, 60 or 90 days, week by week: today's cash and \
             bank balance plus open receivables and minus open payables on their due dates (overdue \
             items in the first week), with the lowest point and the recent bank flow.",
        ),
        definition::<ledger::ProfitLossArgs, ledger::ProfitLossOutput>(
            "get_profit_loss",
            "Profit and loss",
            "The profit and loss statement for a financial year and a range of periods: revenue, cost of \
             sales, gross margin, operating expenses and result, with the amount per GL account.",
        ),
        definition::<reports::RevenueArgs, reports::RevenueOutput>(
            "get_revenue",
            "Revenue by period",
            "Revenue per period of a financial year as Exact reports it, optionally beside the previous \
             year with the change per period and in total.",
        ),
        definition::<aging::AnalysisArgs, aging::AnalysisOutput>(
            "get_aging_analysis",
            "Aging analysis",
            "Exact's own aging analysis of receivables or payables: the open amounts in Exact's four \
             age groups (by the age of the items), in total and optionally per customer or supplier.",
        ),
        definition::<aging::OpenArgs, aging::OpenOutput>(
            "get_aging_receivables",
            "Receivables aging",
            "Open receivables bucketed by days past their due date (not yet due, 1-30, 31-60, 61-90, \
             over 90 days overdue), in total and per customer, most overdue first.",
        ),
        definition::<aging::OpenArgs, aging::OpenOutput>(
            "get_aging_payables",
            "Payables aging",
            "Open payables bucketed by days past their due date (not yet due, 1-30, 31-60, 61-90, over \
             90 days overdue), in total and per supplier, most overdue first.",
        ),
        definition::<ledger::TransactionsArgs, ledger::TransactionsOutput>(
            "get_transactions",
            "Get transactions",
            "List posted financial transaction lines (journal lines) filtered by financial year and period, \
             GL account, journal or date range. Amounts are debit positive, credit negative.",
        ),
        definition::<search::Args, search::Output>(
            "search_transactions",
            "Search transactions",
            "Search posted transaction lines with any combination of filters: dates, financial year and \
             period, journal code or type, GL account, debit or credit, an amount range (absolute), \
             processed or open, and text in the description.",
        ),
        definition::<vat::Args, vat::Output>(
            "get_vat_summary",
            "VAT summary",
            "The VAT of a period, a quarter or a year per VAT code: sales and purchase bases, output \
             VAT to pay, input VAT to claim, and the balance payable, for preparing the VAT return.",
        ),
        definition::<reports::BudgetArgs, reports::BudgetOutput>(
            "get_budget_comparison",
            "Budget comparison",
            "Budget against actual per profit-and-loss account for a range of periods: budget, actual, \
             variance and variance percentage, whether it is favourable, and totals for revenue, costs \
             and result.",
        ),
        definition::<journal::Args, journal::Output>(
            "get_journal_entries",
            "Get journal entries",
            "List general journal (memorial) entries with their lines: journal, year and period, status \
             (draft or processed), and per line the GL account, amount and description. Filter by date, \
             journal, GL account, status, year or period.",
        ),
        definition::<orders::SalesArgs, orders::OrdersOutput>(
            "get_sales_orders",
            "Get sales orders",
            "List sales orders with their amount and how far they are delivered and invoiced (open, \
             partial, complete, canceled), optionally with their lines. Filter by status, customer \
             and order date.",
        ),
        definition::<orders::PurchaseArgs, orders::OrdersOutput>(
            "get_purchase_orders",
            "Get purchase orders",
            "List purchase orders with their amount and how far they are received and invoiced \
             (open, partial, complete, canceled), optionally with their lines. Filter by status, \
             supplier and order date.",
        ),
        definition::<crm::QuotationsArgs, crm::QuotationsOutput>(
            "get_quotations",
            "Get quotations",
            "List quotations (offers) with amount, validity and status: draft, sent, accepted, \
             rejected, or earlier versions (reviewed). Filter by customer and quotation date.",
        ),
        definition::<items::Args, items::Output>(
            "get_items",
            "Get items",
            "List items (products and services) with prices, units and item groups; search by code or \
             description.",
        ),
        definition::<stock::Args, stock::Output>(
            "get_stock_positions",
            "Get stock positions",
            "Stock per item and warehouse: in stock, planned in and out, projected, and the safety \
             stock (the minimum) with the reorder point. Filter by item code or warehouse, or only what \
             is below its minimum.",
        ),
        definition::<projects::ProjectsArgs, projects::ProjectsOutput>(
            "get_projects",
            "Get projects",
            "List projects with customer, type (fixed price, time and material, ...), manager, dates \
             and budget. Filter by status (active, completed, archived), customer or text.",
        ),
        definition::<projects::TimeArgs, projects::TimeOutput>(
            "get_time_transactions",
            "Get time transactions",
            "List hours written on projects: date, project, employee, hour type, quantity, price and \
             amount, and their approval status. Filter by project, employee, dates and status.",
        ),
        definition::<projects::TermsArgs, projects::TermsOutput>(
            "get_project_invoices",
            "Get project invoice terms",
            "List projects' invoice terms (instalments): amount, planned invoice date, the work \
             period and whether it is invoiced. Filter by project or customer.",
        ),
        definition::<projects::WipArgs, projects::WipOutput>(
            "get_wip_overview",
            "Work in progress",
            "Work in progress per project: the value of final hours against what has been invoiced \
             on its terms, with the difference still to invoice (or invoiced ahead).",
        ),
        definition::<currencies::CurrenciesArgs, currencies::CurrenciesOutput>(
            "get_currencies",
            "Get currencies",
            "List the currencies Exact knows for this administration, with their precision and whether \
             the administration uses them (has exchange rates for them).",
        ),
        definition::<currencies::RatesArgs, currencies::RatesOutput>(
            "get_currency_rates",
            "Get currency rates",
            "List exchange rates: one unit of the source currency in the target currency, valid from \
             the start date. Filter by currencies and dates.",
        ),
        definition::<cost_centers::ListArgs, cost_centers::ListOutput>(
            "get_cost_centers",
            "Get cost centres",
            "List cost centres (departments) with their code, description and whether they are still in \
             use; search by code or description.",
        ),
        definition::<cost_centers::ReportArgs, cost_centers::ReportOutput>(
            "get_cost_center_report",
            "Cost centre P&L",
            "Profit and loss per cost centre for a financial year and a range of periods: revenue, cost \
             of sales, operating expenses and result per cost centre, with the amount per GL account.",
        ),
        definition::<assets::AssetsArgs, assets::AssetsOutput>(
            "get_fixed_assets",
            "Get fixed assets",
            "List fixed assets with their group, status, investment date and amount, residual value, \
             depreciation start and method. Filter by status, asset group or text.",
        ),
        definition::<assets::ScheduleArgs, assets::ScheduleOutput>(
            "get_depreciation_schedule",
            "Depreciation schedule",
            "The depreciation per period of a year for one asset or all: the straight-line plan, what \
             was posted in Exact, and the book value after each period.",
        ),
        definition::<documents::AttachmentsArgs, documents::AttachmentsOutput>(
            "get_document_attachments",
            "Get document attachments",
            "List the files attached to Exact documents (invoices, contracts, scans): name, size, \
             type and the document they belong to. Filter by document.",
        ),
        definition::<documents::ContentArgs, documents::ContentOutput>(
            "get_document_content",
            "Get document content",
            "Read one attachment's file: text files as text, others as base64, up to 2 MiB (larger \
             files answer with their details and where to open them).",
        ),
        definition::<crm::OpportunitiesArgs, crm::OpportunitiesOutput>(
            "get_opportunities",
            "Get opportunities",
            "List sales opportunities with amount, probability, weighted amount, stage, owner and \
             expected close date. Filter by status (open, won, lost), account, owner or name.",
        ),
        definition::<crm::FunnelArgs, crm::FunnelOutput>(
            "get_sales_funnel",
            "Sales funnel",
            "The sales pipeline by stage: open opportunities, amount and weighted amount per stage, \
             won and lost totals and the win rate, for opportunities created in a date range.",
        ),
        definition::<subscriptions::ContractsArgs, subscriptions::ContractsOutput>(
            "get_sales_contracts",
            "Get sales contracts",
            "List subscriptions (recurring sales contracts) with customer, invoice period, dates, \
             lines and their monthly value. Filter by customer or active only.",
        ),
        definition::<orders::ContractsArgs, orders::ContractsOutput>(
            "get_purchase_contracts",
            "Get purchase contracts",
            "What is agreed with suppliers, from their purchase orders: per supplier the orders, \
             amounts, ordering frequency and what is still open. Filter by supplier or active only.",
        ),
        definition::<subscriptions::RecurringArgs, subscriptions::RecurringOutput>(
            "get_recurring_revenue",
            "Recurring revenue",
            "Monthly and annual recurring revenue (MRR, ARR) from active subscriptions, per \
             subscription type and for the largest customers, with what churned in the last year.",
        ),
        definition::<prices::SalesArgs, prices::SalesOutput>(
            "get_sales_prices",
            "Get sales prices",
            "List sales prices: each item's general sales price and customers' price agreements, with \
             the quantity they apply from and their dates. Filter by item or customer.",
        ),
        definition::<prices::PurchaseArgs, prices::PurchaseOutput>(
            "get_purchase_prices",
            "Get purchase prices",
            "List items with their standard cost price and what their suppliers charge (main supplier \
             first). Filter by item, purchase items only, or text.",
        ),
        definition::<prices::MarginArgs, prices::MarginOutput>(
            "get_margin_analysis",
            "Margin analysis",
            "Margin per sales item: general sales price against standard cost price, the margin and its \
             percentage. Filter by a margin percentage range to find items sold at a loss or below \
             target.",
        ),
        definition::<customer::Args, customer::Output>(
            "get_customer_360",
            "Customer 360",
            "Everything about one customer in one call: details, open invoices with days overdue, the last \
             10 invoices, revenue over the last 12 months and a payment-risk assessment with reasons.",
        ),
        definition::<ledger::SnapshotArgs, ledger::SnapshotOutput>(
            "get_financial_snapshot",
            "Financial snapshot",
            "The financial position at a glance: year-to-date revenue, costs and result, cash and bank \
             balance, receivables and payables (with overdue parts), and the cash expected in 30 days.",
        ),
    ]
});

/// Runs the named tool; `None` when there is no such tool.
pub async fn call(
    ctx: &ToolCtx<'_>,
    name: &str,
    args: Option<JsonObject>,
) -> Option<CallToolResult> {
    let args = Value::Object(args.unwrap_or_default());
    Some(match name {
        "list_divisions" => run(ctx, name, args, |a| divisions::list(ctx, a)).await,
        "get_relations" => run(ctx, name, args, |a| relations::get(ctx, a)).await,
        "search_relations" => run(ctx, name, args, |a| relations::search(ctx, a)).await,
        "get_sales_invoices" => run(ctx, name, args, |a| invoices::sales(ctx, a)).await,
        "get_purchase_invoices" => run(ctx, name, args, |a| invoices::purchase(ctx, a)).await,
        "get_outstanding_invoices" => run(ctx, name, args, |a| invoices::outstanding(ctx, a)).await,
        "get_gl_accounts" => run(ctx, name, args, |a| ledger::gl_accounts(ctx, a)).await,
        "get_transactions" => run(ctx, name, args, |a| ledger::transactions(ctx, a)).await,
        "get_items" => run(ctx, name, args, |a| items::get(ctx, a)).await,
        "get_customer_360" => run(ctx, name, args, |a| customer::get(ctx, a)).await,
        "get_financial_snapshot" => run(ctx, name, args, |a| ledger::snapshot(ctx, a)).await,
        "get_profit_loss" => run(ctx, name, args, |a| ledger::profit_loss(ctx, a)).await,
        "get_bank_transactions" => run(ctx, name, args, |a| bank::transactions(ctx, a)).await,
        "get_trial_balance" => run(ctx, name, args, |a| reports::trial_balance(ctx, a)).await,
        "get_cashflow_forecast" => run(ctx, name, args, |a| bank::forecast(ctx, a)).await,
        "get_revenue" => run(ctx, name, args, |a| reports::revenue(ctx, a)).await,
        "get_aging_analysis" => run(ctx, name, args, |a| aging::analysis(ctx, a)).await,
        "get_aging_receivables" => run(ctx, name, args, |a| aging::receivables(ctx, a)).await,
        "get_aging_payables" => run(ctx, name, args, |a| aging::payables(ctx, a)).await,
        "search_transactions" => run(ctx, name, args, |a| search::search(ctx, a)).await,
        "get_vat_summary" => run(ctx, name, args, |a| vat::summary(ctx, a)).await,
        "get_budget_comparison" => {
            run(ctx, name, args, |a| {
                unless_lacking(ctx, reports::budget_comparison(ctx, a))
            })
            .await
        }
        "get_journal_entries" => run(ctx, name, args, |a| journal::list(ctx, a)).await,
        "get_currencies" => run(ctx, name, args, |a| currencies::currencies(ctx, a)).await,
        "get_currency_rates" => run(ctx, name, args, |a| currencies::rates(ctx, a)).await,
        "get_cost_centers" => run(ctx, name, args, |a| cost_centers::list(ctx, a)).await,
        "get_cost_center_report" => run(ctx, name, args, |a| cost_centers::report(ctx, a)).await,
        "get_fixed_assets" => {
            run(ctx, name, args, |a| {
                unless_lacking(ctx, assets::list(ctx, a))
            })
            .await
        }
        "get_depreciation_schedule" => {
            run(ctx, name, args, |a| {
                unless_lacking(ctx, assets::schedule(ctx, a))
            })
            .await
        }
        "get_stock_positions" => run(ctx, name, args, |a| stock::positions(ctx, a)).await,
        "get_sales_prices" => run(ctx, name, args, |a| prices::sales(ctx, a)).await,
        "get_purchase_prices" => run(ctx, name, args, |a| prices::purchase(ctx, a)).await,
        "get_margin_analysis" => run(ctx, name, args, |a| prices::margins(ctx, a)).await,
        "get_sales_orders" => run(ctx, name, args, |a| orders::sales(ctx, a)).await,
        "get_purchase_orders" => run(ctx, name, args, |a| orders::purchase(ctx, a)).await,
        "get_quotations" => run(ctx, name, args, |a| crm::quotations(ctx, a)).await,
        "get_projects" => {
            run(ctx, name, args, |a| {
                unless_lacking(ctx, projects::projects(ctx, a))
            })
            .await
        }
        "get_time_transactions" => {
            run(ctx, name, args, |a| {
                unless_lacking(ctx, projects::time(ctx, a))
            })
            .await
        }
        "get_project_invoices" => {
            run(ctx, name, args, |a| {
                unless_lacking(ctx, projects::terms(ctx, a))
            })
            .await
        }
        "get_wip_overview" => {
            run(ctx, name, args, |a| {
                unless_lacking(ctx, projects::wip(ctx, a))
            })
            .await
        }
        "get_document_attachments" => {
            run(ctx, name, args, |a| documents::attachments(ctx, a)).await
        }
        "get_document_content" => run(ctx, name, args, |a| documents::content(ctx, a)).await,
        "get_opportunities" => run(ctx, name, args, |a| crm::opportunities(ctx, a)).await,
        "get_sales_funnel" => run(ctx, name, args, |a| crm::funnel(ctx, a)).await,
        "get_sales_contracts" => {
            run(ctx, name, args, |a| {
                unless_lacking(ctx, subscriptions::contracts(ctx, a))
            })
            .await
        }
        "get_purchase_contracts" => {
            run(ctx, name, args, |a| orders::purchase_contracts(ctx, a)).await
        }
        "get_recurring_revenue" => {
            run(ctx, name, args, |a| {
                unless_lacking(ctx, subscriptions::recurring(ctx, a))
            })
            .await
        }
        _ => return None,
    })
}

async fn run<A, O, F, Fut>(ctx: &ToolCtx<'_>, name: &str, args: Value, f: F) -> CallToolResult
where
    A: DeserializeOwned,
    O: Serialize,
    F: FnOnce(A) -> Fut,
    Fut: Future<Output = Result<O, ToolError>>,
{
    let outcome = match serde_json::from_value::<A>(args) {
        Ok(args) => f(args).await,
        Err(e) => Err(ToolError::invalid(
            e.to_string().chars().take(300).collect::<String>(),
        )),
    };
    match outcome.and_then(|out| {
        serde_json::to_value(out).map_err(|e| {
            ToolError::exact("results")(crate::server::exact::ExactError::Internal(e.to_string()))
        })
    }) {
        Ok(value) => CallToolResult::structured(mark_partial(value, &ctx.budget)),
        Err(error) => {
            match &error {
                ToolError::Exact { source, .. } => tracing::warn!(
                    request_id = ctx.request_id,
                    tool = name,
                    kind = source.kind(),
                    error = %source,
                    "tool call failed at Exact"
                ),
                other => tracing::info!(
                    request_id = ctx.request_id,
                    tool = name,
                    error = %other,
                    "tool call refused"
                ),
            }
            CallToolResult::error(vec![ContentBlock::text(
                error.message(&ctx.connections_url(), ctx.request_id),
            )])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_declares_object_schemas_and_read_only_annotations() {
        assert_eq!(
            TOOLS.len(),
            crate::domain::TOOL_COUNT,
            "the landing page's count"
        );
        for tool in TOOLS.iter() {
            assert_eq!(
                tool.input_schema.get("type"),
                Some(&serde_json::json!("object")),
                "{}",
                tool.name
            );
            let out = tool.output_schema.as_ref().expect("output schema");
            assert_eq!(out.get("type"), Some(&serde_json::json!("object")));
            let a = tool.annotations.as_ref().expect("annotations");
            assert_eq!(a.read_only_hint, Some(true));
            assert_eq!(a.idempotent_hint, Some(true));
            assert_eq!(a.open_world_hint, Some(true));
            assert!(tool.description.as_ref().is_some_and(|d| d.len() > 40));
        }
    }

    #[test]
    fn limits_are_checked() {
        assert_eq!(check_limit(None, 100, 500).unwrap(), 100);
        assert_eq!(check_limit(Some(500), 100, 500).unwrap(), 500);
        assert!(check_limit(Some(0), 100, 500).is_err());
        assert!(check_limit(Some(501), 100, 500).is_err());
    }
}
