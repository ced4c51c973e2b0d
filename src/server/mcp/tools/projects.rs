//! get_projects, get_time_transactions, get_project_invoices and get_wip_overview, from
//! `project/Projects`, `project/TimeTransactions` and `project/InvoiceTerms`. An administration
//! whose licence lacks the project module gets an ordinary answer saying so.
//!
//! Exact's projects carry no status: start and end dates decide it (active: started and not
//! ended; completed: ended in the last twelve months; archived: ended before that). Exact has no
//! `read/project/CostsByProject`; work in progress is computed here from final hours and
//! processed invoice terms (the method is in each answer).
//!
//! Field lists: Exact's REST reference for Projects, TimeTransactions and InvoiceTerms.

use super::{
    ListSpec, ToolCtx, ToolError, cents, check_limit, fetch_all, fetch_for_ids, list_page, row,
    rows_of,
};
use crate::server::mcp::{caller::Target, odata};
use chrono::{Days, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

const MODULE: Option<&str> = Some("Projects");

const PROJECTS: ListSpec = ListSpec {
    path: "project/Projects",
    key: "ID",
    select: "ID,Code,Description,Account,AccountName,Type,ManagerFullname,StartDate,EndDate,BudgetedRevenue,BudgetedCosts",
    what: "projects",
    module: MODULE,
};
const TIME: ListSpec = ListSpec {
    path: "project/TimeTransactions",
    key: "ID",
    select: "ID,Date,Project,ProjectCode,ProjectDescription,AccountName,Employee,Item,ItemDescription,Quantity,PriceFC,AmountFC,HourStatus,Type,Notes",
    what: "time transactions",
    module: MODULE,
};
const TERMS: ListSpec = ListSpec {
    path: "project/InvoiceTerms",
    key: "ID",
    select: "ID,Project,ProjectDescription,Description,Amount,Percentage,InvoiceDate,ExecutionFromDate,ExecutionToDate,InvoiceStatus",
    what: "project invoice terms",
    module: MODULE,
};

/// Projects whose hours or terms one answer may read together.
const MAX_PROJECT_IDS: usize = 50;

fn type_word(kind: Option<i64>) -> &'static str {
    match kind {
        Some(1) => "campaign",
        Some(2) => "fixed_price",
        Some(3) => "time_and_material",
        Some(4) => "non_billable",
        Some(5) => "prepaid",
        _ => "unknown",
    }
}

/// The day twelve months before `today`: projects that ended before it are archived.
fn archive_line(today: NaiveDate) -> NaiveDate {
    today.checked_sub_days(Days::new(365)).unwrap_or(today)
}

fn project_state(
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    today: NaiveDate,
) -> &'static str {
    match (start, end) {
        (_, Some(e)) if e < archive_line(today) => "archived",
        (_, Some(e)) if e < today => "completed",
        (Some(s), _) if s > today => "planned",
        _ => "active",
    }
}

// ---------------------------------------------------------------------------------------------
// Projects

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ProjectStatus {
    /// Started and not ended (default).
    #[default]
    Active,
    /// Ended in the last twelve months.
    Completed,
    /// Ended more than twelve months ago.
    Archived,
    All,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectsArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// active (default), completed, archived or all.
    #[serde(default)]
    pub status: ProjectStatus,
    /// Only this customer's projects (its ID, a GUID, from get_relations or search_relations).
    pub account_id: Option<String>,
    /// Text the project's code or description contains.
    pub search: Option<String>,
    /// Rows per page, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Project {
    pub id: String,
    pub code: Option<String>,
    pub description: Option<String>,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    /// fixed_price, time_and_material, non_billable, prepaid or campaign.
    pub project_type: String,
    pub manager: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    /// active, completed, archived or planned (from the dates).
    pub status: String,
    pub budgeted_revenue: f64,
    pub budgeted_costs: f64,
}

#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct ProjectsOutput {
    pub division: i64,
    pub projects: Vec<Project>,
    pub count: usize,
    pub has_more: bool,
    pub cursor: Option<String>,
    /// Set when the administration's licence lacks the project module (the list is empty).
    pub unavailable: Option<String>,
}

/// The filter of a project status on `today`.
fn status_clause(status: ProjectStatus, today: NaiveDate) -> Option<String> {
    let (now, line) = (odata::datetime(today), odata::datetime(archive_line(today)));
    match status {
        ProjectStatus::Active => Some(format!(
            "StartDate le {now} and (EndDate eq null or EndDate ge {now})"
        )),
        ProjectStatus::Completed => Some(format!("EndDate lt {now} and EndDate ge {line}")),
        ProjectStatus::Archived => Some(format!("EndDate lt {line}")),
        ProjectStatus::All => None,
    }
}

pub async fn projects(ctx: &ToolCtx<'_>, args: ProjectsArgs) -> Result<ProjectsOutput, ToolError> {
    const TOOL: &str = "get_projects";
    let limit = check_limit(args.limit, 100, 500)?;
    let mut clauses = Vec::new();
    clauses.extend(odata::guid_clause(
        "Account",
        ("account_id", args.account_id.as_deref()),
    )?);
    if let Some(s) = odata::code_or_description_contains(args.search.as_deref())? {
        clauses.push(s);
    }
    let today = ctx.today();
    clauses.extend(status_clause(args.status, today));
    let target = ctx.target(args.division)?;
    let page = list_page(
        ctx,
        &target,
        (TOOL, &PROJECTS),
        odata::all_of(clauses),
        limit,
        args.cursor.as_deref(),
    )
    .await?;
    let projects: Vec<Project> = page.rows.iter().map(|r| project(r, today)).collect();
    Ok(ProjectsOutput {
        division: target.division,
        count: projects.len(),
        projects,
        has_more: page.has_more(),
        cursor: page.cursor,
        unavailable: None,
    })
}

fn project(r: &Value, today: NaiveDate) -> Project {
    let (start, end) = (
        row::naive_date(r, "StartDate"),
        row::naive_date(r, "EndDate"),
    );
    Project {
        id: row::text_or_empty(r, "ID"),
        code: row::text(r, "Code"),
        description: row::text(r, "Description"),
        account_id: row::text(r, "Account"),
        account_name: row::text(r, "AccountName"),
        project_type: type_word(row::int(r, "Type")).to_string(),
        manager: row::text(r, "ManagerFullname"),
        start_date: row::date(r, "StartDate"),
        end_date: row::date(r, "EndDate"),
        status: project_state(start, end, today).to_string(),
        budgeted_revenue: cents(row::num(r, "BudgetedRevenue")),
        budgeted_costs: cents(row::num(r, "BudgetedCosts")),
    }
}

// ---------------------------------------------------------------------------------------------
// Time transactions

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum HourStatus {
    Draft,
    Rejected,
    Submitted,
    /// Approved and final.
    Final,
    /// Every status (default).
    #[default]
    All,
}

fn hour_word(code: Option<i64>) -> &'static str {
    match code {
        Some(1) => "draft",
        Some(2) => "rejected",
        Some(10) => "submitted",
        Some(20) => "final",
        Some(11 | 14 | 16 | 19) => "processing",
        _ => "unknown",
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Only this project's hours (its ID, a GUID, from get_projects).
    pub project_id: Option<String>,
    /// Only this employee's hours (the employee's ID, a GUID, from an earlier result).
    pub employee_id: Option<String>,
    /// Hours on or after this day (YYYY-MM-DD).
    pub date_from: Option<String>,
    /// Hours on or before this day (YYYY-MM-DD).
    pub date_to: Option<String>,
    /// draft, rejected, submitted, final or all (default).
    #[serde(default)]
    pub status: HourStatus,
    /// Rows per page, 1 to 1000 (default 200).
    #[schemars(range(min = 1, max = 1000))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TimeEntry {
    pub id: String,
    pub date: Option<String>,
    pub project_id: Option<String>,
    pub project_code: Option<String>,
    pub project_description: Option<String>,
    pub account_name: Option<String>,
    pub employee_id: Option<String>,
    pub item_id: Option<String>,
    pub item_description: Option<String>,
    /// Hours (time) or units (costs).
    pub quantity: f64,
    pub price: f64,
    /// quantity x price.
    pub amount: f64,
    /// draft, rejected, submitted, final or processing.
    pub status: String,
    /// time or cost.
    pub entry_type: String,
    pub notes: Option<String>,
}

#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct TimeOutput {
    pub division: i64,
    pub entries: Vec<TimeEntry>,
    pub count: usize,
    /// Sums over this page: hours of time entries, and amounts.
    pub total_hours: f64,
    pub total_amount: f64,
    pub has_more: bool,
    pub cursor: Option<String>,
    /// Set when the administration's licence lacks the project module (the list is empty).
    pub unavailable: Option<String>,
}

pub async fn time(ctx: &ToolCtx<'_>, args: TimeArgs) -> Result<TimeOutput, ToolError> {
    const TOOL: &str = "get_time_transactions";
    let limit = check_limit(args.limit, 200, 1000)?;
    let mut clauses = Vec::new();
    clauses.extend(odata::guid_clause(
        "Project",
        ("project_id", args.project_id.as_deref()),
    )?);
    clauses.extend(odata::guid_clause(
        "Employee",
        ("employee_id", args.employee_id.as_deref()),
    )?);
    clauses.extend(odata::date_clauses(
        "Date",
        odata::named_date_range(
            ("date_from", args.date_from.as_deref()),
            ("date_to", args.date_to.as_deref()),
        )?,
    ));
    let code = match args.status {
        HourStatus::Draft => Some(1),
        HourStatus::Rejected => Some(2),
        HourStatus::Submitted => Some(10),
        HourStatus::Final => Some(20),
        HourStatus::All => None,
    };
    clauses.extend(code.map(|c| format!("HourStatus eq {c}")));
    let target = ctx.target(args.division)?;
    let page = list_page(
        ctx,
        &target,
        (TOOL, &TIME),
        odata::all_of(clauses),
        limit,
        args.cursor.as_deref(),
    )
    .await?;
    let entries: Vec<TimeEntry> = page.rows.iter().map(time_entry).collect();
    Ok(TimeOutput {
        division: target.division,
        count: entries.len(),
        total_hours: entries
            .iter()
            .filter(|e| e.entry_type == "time")
            .map(|e| e.quantity)
            .sum(),
        total_amount: cents(entries.iter().map(|e| e.amount).sum()),
        entries,
        has_more: page.has_more(),
        cursor: page.cursor,
        unavailable: None,
    })
}

fn time_entry(r: &Value) -> TimeEntry {
    TimeEntry {
        id: row::text_or_empty(r, "ID"),
        date: row::date(r, "Date"),
        project_id: row::text(r, "Project"),
        project_code: row::text(r, "ProjectCode"),
        project_description: row::text(r, "ProjectDescription"),
        account_name: row::text(r, "AccountName"),
        employee_id: row::text(r, "Employee"),
        item_id: row::text(r, "Item"),
        item_description: row::text(r, "ItemDescription"),
        quantity: row::num(r, "Quantity"),
        price: row::num(r, "PriceFC"),
        amount: cents(row::num(r, "AmountFC")),
        status: hour_word(row::int(r, "HourStatus")).to_string(),
        entry_type: if row::int(r, "Type") == Some(2) {
            "cost"
        } else {
            "time"
        }
        .to_string(),
        notes: row::text(r, "Notes"),
    }
}

// ---------------------------------------------------------------------------------------------
// Invoice terms

fn term_word(code: Option<i64>) -> &'static str {
    match code {
        Some(10) => "draft",
        Some(20) => "open",
        Some(30) => "processing",
        Some(50) => "processed",
        _ => "unknown",
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TermsArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Only this project's terms (its ID, a GUID, from get_projects).
    pub project_id: Option<String>,
    /// Only the terms of this customer's projects (its ID, a GUID).
    pub account_id: Option<String>,
    /// Rows per page, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Term {
    pub id: String,
    pub project_id: Option<String>,
    pub project_description: Option<String>,
    pub description: Option<String>,
    /// Excluding VAT.
    pub amount: f64,
    /// The share of the project's price, 0 to 100, when the term is one.
    pub percentage: Option<f64>,
    pub invoice_date: Option<String>,
    pub execution_from: Option<String>,
    pub execution_to: Option<String>,
    /// draft, open, processing or processed (invoiced).
    pub status: String,
}

#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct TermsOutput {
    pub division: i64,
    pub terms: Vec<Term>,
    pub count: usize,
    /// Sums over this page.
    pub total_amount: f64,
    pub total_invoiced: f64,
    pub total_to_invoice: f64,
    pub has_more: bool,
    pub cursor: Option<String>,
    /// Set when the administration's licence lacks the project module (the list is empty).
    pub unavailable: Option<String>,
}

pub async fn terms(ctx: &ToolCtx<'_>, args: TermsArgs) -> Result<TermsOutput, ToolError> {
    const TOOL: &str = "get_project_invoices";
    let limit = check_limit(args.limit, 100, 500)?;
    let project = args
        .project_id
        .as_deref()
        .map(|id| odata::parse_guid("project_id", id))
        .transpose()?;
    let account = args
        .account_id
        .as_deref()
        .map(|id| odata::parse_guid("account_id", id))
        .transpose()?;
    let target = ctx.target(args.division)?;
    let mut clauses = Vec::new();
    if let Some(p) = &project {
        clauses.push(format!("Project eq {}", odata::guid(p)));
    }
    if let Some(a) = &account {
        let ids = account_projects(ctx, &target, a).await?;
        if ids.is_empty() {
            return Ok(TermsOutput {
                division: target.division,
                ..Default::default()
            });
        }
        clauses.push(any_project(&ids));
    }
    let page = list_page(
        ctx,
        &target,
        (TOOL, &TERMS),
        odata::all_of(clauses),
        limit,
        args.cursor.as_deref(),
    )
    .await?;
    let terms: Vec<Term> = page.rows.iter().map(term).collect();
    let sum = |done: bool| {
        cents(
            terms
                .iter()
                .filter(|t| (t.status == "processed") == done)
                .map(|t| t.amount)
                .sum(),
        )
    };
    Ok(TermsOutput {
        division: target.division,
        count: terms.len(),
        total_amount: cents(terms.iter().map(|t| t.amount).sum()),
        total_invoiced: sum(true),
        total_to_invoice: sum(false),
        terms,
        has_more: page.has_more(),
        cursor: page.cursor,
        unavailable: None,
    })
}

/// The IDs of a customer's projects (at most [`MAX_PROJECT_IDS`]).
async fn account_projects(
    ctx: &ToolCtx<'_>,
    target: &Target,
    account: &str,
) -> Result<Vec<String>, ToolError> {
    let rows = fetch_all(
        ctx,
        target,
        &PROJECTS,
        Some(format!("Account eq {}", odata::guid(account))),
    )
    .await?;
    let ids: Vec<String> = rows.iter().filter_map(|r| row::text(r, "ID")).collect();
    if ids.len() > MAX_PROJECT_IDS {
        return Err(ToolError::invalid(format!(
            "This customer has {} projects, more than {MAX_PROJECT_IDS} can be read together; \
             pass one `project_id` (see get_projects).",
            ids.len()
        )));
    }
    Ok(ids)
}

/// `Project eq guid'…' or …` for IDs read from Exact.
fn any_project(ids: &[String]) -> String {
    ids.iter()
        .filter_map(|id| odata::parse_guid("project", id).ok())
        .map(|id| format!("Project eq {}", odata::guid(&id)))
        .collect::<Vec<_>>()
        .join(" or ")
}

fn term(r: &Value) -> Term {
    Term {
        id: row::text_or_empty(r, "ID"),
        project_id: row::text(r, "Project"),
        project_description: row::text(r, "ProjectDescription"),
        description: row::text(r, "Description"),
        amount: cents(row::num(r, "Amount")),
        percentage: r
            .get("Percentage")
            .and_then(Value::as_f64)
            .map(|p| (p * 1_000.0).round() / 10.0),
        invoice_date: row::date(r, "InvoiceDate"),
        execution_from: row::date(r, "ExecutionFromDate"),
        execution_to: row::date(r, "ExecutionToDate"),
        status: term_word(row::int(r, "InvoiceStatus")).to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Work in progress

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum WipStatus {
    /// Projects started and not ended (default).
    #[default]
    Active,
    All,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WipArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// active (default) or all projects.
    #[serde(default)]
    pub status: WipStatus,
    /// Only this customer's projects (its ID, a GUID).
    pub account_id: Option<String>,
    /// Projects per page, 1 to 200 (default 20).
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Wip {
    pub project_id: String,
    pub code: Option<String>,
    pub description: Option<String>,
    pub account_name: Option<String>,
    pub project_type: String,
    pub billable: bool,
    /// Final (approved) hours recorded.
    pub hours: f64,
    /// Their value: quantity x price.
    pub realised: f64,
    /// Processed invoice terms.
    pub invoiced: f64,
    /// realised - invoiced: positive is work not yet invoiced, negative is invoiced ahead of
    /// the work. 0 for non-billable projects.
    pub work_in_progress: f64,
    pub budgeted_revenue: f64,
}

#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct WipOutput {
    pub division: i64,
    pub projects: Vec<Wip>,
    pub count: usize,
    /// Sums over this page's billable projects.
    pub total_realised: f64,
    pub total_invoiced: f64,
    pub total_work_in_progress: f64,
    pub has_more: bool,
    pub cursor: Option<String>,
    pub method: String,
    /// Set when the administration's licence lacks the project module (the list is empty).
    pub unavailable: Option<String>,
}

pub async fn wip(ctx: &ToolCtx<'_>, args: WipArgs) -> Result<WipOutput, ToolError> {
    const TOOL: &str = "get_wip_overview";
    let limit = check_limit(args.limit, 20, 200)?;
    let mut clauses = Vec::new();
    clauses.extend(odata::guid_clause(
        "Account",
        ("account_id", args.account_id.as_deref()),
    )?);
    if args.status == WipStatus::Active {
        clauses.extend(status_clause(ProjectStatus::Active, ctx.today()));
    }
    let target = ctx.target(args.division)?;
    let page = list_page(
        ctx,
        &target,
        (TOOL, &PROJECTS),
        odata::all_of(clauses),
        limit,
        args.cursor.as_deref(),
    )
    .await?;
    let ids: Vec<String> = page
        .rows
        .iter()
        .filter_map(|r| row::text(r, "ID"))
        .collect();
    let hours = fetch_for_ids(
        ctx,
        &target,
        (&TIME, "Project"),
        &ids,
        Some("HourStatus eq 20"),
        40,
    )
    .await?;
    let terms = fetch_for_ids(
        ctx,
        &target,
        (&TERMS, "Project"),
        &ids,
        Some("InvoiceStatus eq 50"),
        12,
    )
    .await?;
    let projects: Vec<Wip> = page
        .rows
        .iter()
        .map(|p| project_wip(p, &hours, &terms))
        .collect();
    let billable = || projects.iter().filter(|p| p.billable);
    Ok(WipOutput {
        division: target.division,
        count: projects.len(),
        total_realised: cents(billable().map(|p| p.realised).sum()),
        total_invoiced: cents(billable().map(|p| p.invoiced).sum()),
        total_work_in_progress: cents(billable().map(|p| p.work_in_progress).sum()),
        projects,
        has_more: page.has_more(),
        cursor: page.cursor,
        method: "Per project: realised = the value (quantity x price) of its final hours; \
                     invoiced = its processed invoice terms; work in progress = realised - \
                     invoiced. Non-billable projects show their hours but no work in progress."
            .to_string(),
        unavailable: None,
    })
}

fn project_wip(p: &Value, hours: &[Value], terms: &[Value]) -> Wip {
    let id = row::text_or_empty(p, "ID");
    let kind = row::int(p, "Type");
    let billable = !matches!(kind, Some(4) | Some(1));
    let time: Vec<&Value> = rows_of(hours, "Project", &id)
        .filter(|h| row::int(h, "Type") != Some(2))
        .collect();
    let realised = cents(
        rows_of(hours, "Project", &id)
            .map(|h| row::num(h, "AmountFC"))
            .sum(),
    );
    let invoiced = cents(
        rows_of(terms, "Project", &id)
            .map(|t| row::num(t, "Amount"))
            .sum(),
    );
    Wip {
        code: row::text(p, "Code"),
        description: row::text(p, "Description"),
        account_name: row::text(p, "AccountName"),
        project_type: type_word(kind).to_string(),
        billable,
        hours: time.iter().map(|h| row::num(h, "Quantity")).sum(),
        realised,
        invoiced,
        work_in_progress: if billable {
            cents(realised - invoiced)
        } else {
            0.0
        },
        budgeted_revenue: cents(row::num(p, "BudgetedRevenue")),
        project_id: id,
    }
}

super::unavailable_is_empty!(ProjectsOutput, TimeOutput, TermsOutput, WipOutput);

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_projects_state_follows_its_dates() {
        let today = day("2026-11-20");
        assert_eq!(
            project_state(Some(day("2026-01-01")), None, today),
            "active"
        );
        assert_eq!(
            project_state(Some(day("2026-01-01")), Some(day("2026-11-20")), today),
            "active"
        );
        assert_eq!(
            project_state(Some(day("2026-01-01")), Some(day("2026-11-19")), today),
            "completed"
        );
        assert_eq!(
            project_state(Some(day("2025-01-01")), Some(day("2025-11-19")), today),
            "archived"
        );
        assert_eq!(
            project_state(Some(day("2026-12-01")), None, today),
            "planned"
        );
    }
}
