//! get_relations and search_relations: `crm/Accounts`.

use super::{ListSpec, ToolCtx, ToolError, check_limit, fetch_page, next_cursor, read_cursor, row};
use crate::server::mcp::{cursor, odata};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

const ACCOUNTS: ListSpec = ListSpec {
    path: "crm/Accounts",
    key: "ID",
    select: "ID,Code,Name,City,Country,Email,Phone,Website,Status,IsSales,IsSupplier,Blocked,VATNumber,ChamberOfCommerce",
    what: "relations",
    module: None,
};

#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RelationType {
    Customer,
    Supplier,
    #[default]
    Both,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RelationsArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// customer, supplier or both (default both).
    #[serde(rename = "type", default)]
    pub kind: RelationType,
    /// Leave out blocked relations (default true).
    pub active_only: Option<bool>,
    /// Rows per page, 1 to 1000 (default 100).
    #[schemars(range(min = 1, max = 1000))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SearchField {
    #[default]
    Name,
    Code,
    Kvk,
    Vat,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Text to find (1 to 100 characters); matched case-insensitively as part of the field.
    pub query: String,
    /// name (default), code, kvk (Chamber of Commerce number) or vat.
    #[serde(default)]
    pub search_field: SearchField,
    /// Rows per page, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Relation {
    /// The Exact ID (GUID): use it as customer_id / supplier_id in other tools.
    pub id: String,
    pub code: String,
    pub name: String,
    pub city: Option<String>,
    pub country: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub vat_number: Option<String>,
    /// Chamber of Commerce (KvK) number.
    pub kvk: Option<String>,
    pub is_customer: bool,
    pub is_supplier: bool,
    pub blocked: bool,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RelationsOutput {
    pub division: i64,
    pub relations: Vec<Relation>,
    pub count: usize,
    /// More relations follow: call again with `cursor`.
    pub has_more: bool,
    pub cursor: Option<String>,
}

pub fn relation(r: &Value) -> Relation {
    Relation {
        id: row::text_or_empty(r, "ID"),
        code: row::text_or_empty(r, "Code"),
        name: row::text_or_empty(r, "Name"),
        city: row::text(r, "City"),
        country: row::text(r, "Country"),
        email: row::text(r, "Email"),
        phone: row::text(r, "Phone"),
        website: row::text(r, "Website"),
        vat_number: row::text(r, "VATNumber"),
        kvk: row::text(r, "ChamberOfCommerce"),
        is_customer: row::text(r, "Status").as_deref() == Some("C") || row::flag(r, "IsSales"),
        is_supplier: row::flag(r, "IsSupplier"),
        blocked: row::flag(r, "Blocked"),
    }
}

async fn page(
    ctx: &ToolCtx<'_>,
    tool: &str,
    division: Option<i64>,
    filter: Option<String>,
    limit: usize,
    cursor_arg: Option<&str>,
) -> Result<RelationsOutput, ToolError> {
    let target = ctx.target(division)?;
    let fp = cursor::fingerprint(&[
        &target.division.to_string(),
        filter.as_deref().unwrap_or(""),
    ]);
    let after = read_cursor(tool, cursor_arg, &fp)?.map(|p| p.skiptoken);
    let page = fetch_page(ctx, &target, &ACCOUNTS, filter, limit, after).await?;
    let relations: Vec<Relation> = page.rows.iter().map(relation).collect();
    Ok(RelationsOutput {
        division: target.division,
        count: relations.len(),
        relations,
        has_more: page.next.is_some(),
        cursor: page.next.map(|k| next_cursor(tool, &fp, 0, k)),
    })
}

pub async fn get(ctx: &ToolCtx<'_>, args: RelationsArgs) -> Result<RelationsOutput, ToolError> {
    let limit = check_limit(args.limit, 100, 1000)?;
    let kind = match args.kind {
        RelationType::Customer => "Status eq 'C'".to_string(),
        RelationType::Supplier => "IsSupplier eq true".to_string(),
        RelationType::Both => String::new(),
    };
    let active = if args.active_only.unwrap_or(true) {
        "Blocked eq false".to_string()
    } else {
        String::new()
    };
    let filter = odata::all_of(vec![kind, active]);
    page(
        ctx,
        "get_relations",
        args.division,
        filter,
        limit,
        args.cursor.as_deref(),
    )
    .await
}

pub async fn search(ctx: &ToolCtx<'_>, args: SearchArgs) -> Result<RelationsOutput, ToolError> {
    let limit = check_limit(args.limit, 100, 500)?;
    let query = odata::clean_text("query", &args.query)?;
    let field = match args.search_field {
        SearchField::Name => "Name",
        SearchField::Code => "Code",
        SearchField::Kvk => "ChamberOfCommerce",
        SearchField::Vat => "VATNumber",
    };
    let filter = format!("substringof({}, {field}) eq true", odata::text(&query));
    page(
        ctx,
        "search_relations",
        args.division,
        Some(filter),
        limit,
        args.cursor.as_deref(),
    )
    .await
}
