//! Prices and margins: get_sales_prices (`logistics/SalesItemPrices`: general prices and
//! customers' price agreements), get_purchase_prices (`logistics/Items` with their cost prices and
//! the suppliers' purchase prices from `logistics/SupplierItem`) and get_margin_analysis (each
//! sales item's general sales price against its standard cost price).
//!
//! Field lists: Exact's REST reference for LogisticsSalesItemPrices, LogisticsItems and
//! LogisticsSupplierItem.

use super::{
    ListSpec, ToolCtx, ToolError, cents, check_limit, fetch_for_ids, list_page, list_page_of, row,
};
use crate::server::mcp::{caller::Target, odata};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

const SALES_PRICES: ListSpec = ListSpec {
    path: "logistics/SalesItemPrices",
    key: "ID",
    select: "ID,Item,ItemCode,ItemDescription,Account,AccountName,Price,Currency,Quantity,StartDate,EndDate,UnitDescription",
    what: "sales prices",
    module: None,
};
const PURCHASE_ITEMS: ListSpec = ListSpec {
    path: "logistics/Items",
    key: "ID",
    select: "ID,Code,Description,UnitDescription,IsPurchaseItem,CostPriceStandard,CostPriceCurrency",
    what: "items",
    module: None,
};
const SUPPLIER_ITEMS: ListSpec = ListSpec {
    path: "logistics/SupplierItem",
    key: "ID",
    select: "ID,Item,SupplierCode,SupplierDescription,SupplierItemCode,MainSupplier,PurchasePrice,Currency",
    what: "supplier prices",
    module: None,
};
const SALES_ITEMS: ListSpec = ListSpec {
    path: "logistics/Items",
    key: "ID",
    select: "ID,Code,Description,CostPriceStandard,StandardSalesPrice,CostPriceCurrency",
    what: "items",
    module: None,
};
const GENERAL_PRICES: ListSpec = ListSpec {
    path: "logistics/SalesItemPrices",
    key: "ID",
    select: "ID,Item,Price,Quantity",
    what: "sales prices",
    module: None,
};

/// Rows about the page's `items` from `spec`, also filtered by `extra`.
async fn for_items(
    ctx: &ToolCtx<'_>,
    target: &Target,
    spec: &ListSpec,
    items: &[Value],
    extra: Option<&str>,
) -> Result<Vec<Value>, ToolError> {
    let ids: Vec<String> = items.iter().filter_map(|i| row::text(i, "ID")).collect();
    fetch_for_ids(ctx, target, (spec, "Item"), &ids, extra, 20).await
}

/// The rows of `rows` about item `id`.
fn of_item<'a>(rows: &'a [Value], id: &str) -> impl Iterator<Item = &'a Value> {
    rows.iter()
        .filter(move |r| row::text(r, "Item").is_some_and(|i| i.eq_ignore_ascii_case(id)))
}

// ---------------------------------------------------------------------------------------------
// Sales prices

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SalesArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Only this item's prices (its ID, a GUID; see get_items).
    pub item_id: Option<String>,
    /// Only the price agreements with this customer (its ID, a GUID; see get_relations).
    pub account_id: Option<String>,
    /// Rows per page, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SalesPrice {
    pub id: String,
    pub item_id: String,
    pub item_code: Option<String>,
    pub item_description: Option<String>,
    /// The customer of a price agreement; null for the general sales price.
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    pub price: f64,
    pub currency: String,
    /// The quantity the price applies from.
    pub from_quantity: f64,
    pub unit: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SalesOutput {
    pub division: i64,
    pub prices: Vec<SalesPrice>,
    pub count: usize,
    pub has_more: bool,
    pub cursor: Option<String>,
}

pub async fn sales(ctx: &ToolCtx<'_>, args: SalesArgs) -> Result<SalesOutput, ToolError> {
    const TOOL: &str = "get_sales_prices";
    let limit = check_limit(args.limit, 100, 500)?;
    let mut clauses = Vec::new();
    if let Some(i) = args.item_id.as_deref().filter(|i| !i.trim().is_empty()) {
        clauses.push(format!(
            "Item eq {}",
            odata::guid(&odata::parse_guid("item_id", i)?)
        ));
    }
    if let Some(a) = args.account_id.as_deref().filter(|a| !a.trim().is_empty()) {
        clauses.push(format!(
            "Account eq {}",
            odata::guid(&odata::parse_guid("account_id", a)?)
        ));
    }
    let target = ctx.target(args.division)?;
    let page = list_page(
        ctx,
        &target,
        (TOOL, &SALES_PRICES),
        odata::all_of(clauses),
        limit,
        args.cursor.as_deref(),
    )
    .await?;
    let prices: Vec<SalesPrice> = page
        .rows
        .iter()
        .map(|r| SalesPrice {
            id: row::text_or_empty(r, "ID"),
            item_id: row::text_or_empty(r, "Item"),
            item_code: row::text(r, "ItemCode"),
            item_description: row::text(r, "ItemDescription"),
            account_id: row::text(r, "Account"),
            account_name: row::text(r, "AccountName"),
            price: cents(row::num(r, "Price")),
            currency: row::text(r, "Currency").unwrap_or_else(|| "EUR".into()),
            from_quantity: row::num(r, "Quantity"),
            unit: row::text(r, "UnitDescription"),
            start_date: row::date(r, "StartDate"),
            end_date: row::date(r, "EndDate"),
        })
        .collect();
    Ok(SalesOutput {
        division: target.division,
        count: prices.len(),
        prices,
        has_more: page.has_more(),
        cursor: page.cursor,
    })
}

// ---------------------------------------------------------------------------------------------
// Purchase prices

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PurchaseArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Only this item (its ID, a GUID; see get_items).
    pub item_id: Option<String>,
    /// Only items that can be bought (default true).
    pub purchase_items_only: Option<bool>,
    /// Text the item code or description contains.
    pub search: Option<String>,
    /// Items per page, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SupplierPrice {
    pub supplier_code: Option<String>,
    pub supplier_name: Option<String>,
    pub supplier_item_code: Option<String>,
    pub main_supplier: bool,
    pub purchase_price: f64,
    pub currency: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PurchaseItem {
    pub item_id: String,
    pub item_code: String,
    pub description: Option<String>,
    pub unit: Option<String>,
    pub is_purchase_item: bool,
    /// The item's standard cost price.
    pub cost_price: f64,
    pub currency: String,
    /// What its suppliers charge (the main supplier first).
    pub suppliers: Vec<SupplierPrice>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PurchaseOutput {
    pub division: i64,
    pub items: Vec<PurchaseItem>,
    pub count: usize,
    pub has_more: bool,
    pub cursor: Option<String>,
}

pub async fn purchase(ctx: &ToolCtx<'_>, args: PurchaseArgs) -> Result<PurchaseOutput, ToolError> {
    const TOOL: &str = "get_purchase_prices";
    let limit = check_limit(args.limit, 100, 500)?;
    let mut clauses = Vec::new();
    if let Some(i) = args.item_id.as_deref().filter(|i| !i.trim().is_empty()) {
        clauses.push(format!(
            "ID eq {}",
            odata::guid(&odata::parse_guid("item_id", i)?)
        ));
    }
    if args.purchase_items_only.unwrap_or(true) {
        clauses.push("IsPurchaseItem eq true".to_string());
    }
    if let Some(search) = odata::code_or_description_contains(args.search.as_deref())? {
        clauses.push(search);
    }
    let target = ctx.target(args.division)?;
    let page = list_page(
        ctx,
        &target,
        (TOOL, &PURCHASE_ITEMS),
        odata::all_of(clauses),
        limit,
        args.cursor.as_deref(),
    )
    .await?;
    let suppliers = for_items(ctx, &target, &SUPPLIER_ITEMS, &page.rows, None).await?;
    let items: Vec<PurchaseItem> = page
        .rows
        .iter()
        .map(|r| {
            let id = row::text_or_empty(r, "ID");
            let mut prices: Vec<SupplierPrice> = of_item(&suppliers, &id)
                .map(|s| SupplierPrice {
                    supplier_code: row::text(s, "SupplierCode"),
                    supplier_name: row::text(s, "SupplierDescription"),
                    supplier_item_code: row::text(s, "SupplierItemCode"),
                    main_supplier: row::flag(s, "MainSupplier"),
                    purchase_price: cents(row::num(s, "PurchasePrice")),
                    currency: row::text(s, "Currency").unwrap_or_else(|| "EUR".into()),
                })
                .collect();
            prices.sort_by_key(|p| !p.main_supplier);
            PurchaseItem {
                item_code: row::text_or_empty(r, "Code"),
                description: row::text(r, "Description"),
                unit: row::text(r, "UnitDescription"),
                is_purchase_item: row::flag(r, "IsPurchaseItem"),
                cost_price: cents(row::num(r, "CostPriceStandard")),
                currency: row::text(r, "CostPriceCurrency").unwrap_or_else(|| "EUR".into()),
                suppliers: prices,
                item_id: id,
            }
        })
        .collect();
    Ok(PurchaseOutput {
        division: target.division,
        count: items.len(),
        items,
        has_more: page.has_more(),
        cursor: page.cursor,
    })
}

// ---------------------------------------------------------------------------------------------
// Margin analysis

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarginArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Only items with at least this margin percentage (-1000 to 100).
    #[schemars(range(min = -1000, max = 100))]
    pub min_margin_percentage: Option<f64>,
    /// Only items with at most this margin percentage (-1000 to 100).
    #[schemars(range(min = -1000, max = 100))]
    pub max_margin_percentage: Option<f64>,
    /// Items per page, 1 to 200 (default 100); with a margin filter a page can hold fewer.
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Margin {
    pub item_id: String,
    pub item_code: String,
    pub description: Option<String>,
    /// The general sales price (the item's standard sales price when it has none).
    pub sales_price: f64,
    /// The standard cost price.
    pub cost_price: f64,
    pub margin: f64,
    /// Margin as a percentage of the sales price (null without a price).
    pub margin_percentage: Option<f64>,
    pub currency: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct MarginOutput {
    pub division: i64,
    pub items: Vec<Margin>,
    pub count: usize,
    /// The mean margin percentage of the items on this page that have one.
    pub average_margin_percentage: Option<f64>,
    pub has_more: bool,
    pub cursor: Option<String>,
    pub method: String,
}

fn percentage(field: &str, value: Option<f64>) -> Result<Option<f64>, ToolError> {
    match value {
        Some(v) if !(v.is_finite() && (-1000.0..=100.0).contains(&v)) => Err(ToolError::invalid(
            format!("`{field}` must be a percentage from -1000 to 100."),
        )),
        v => Ok(v),
    }
}

pub async fn margins(ctx: &ToolCtx<'_>, args: MarginArgs) -> Result<MarginOutput, ToolError> {
    const TOOL: &str = "get_margin_analysis";
    let limit = check_limit(args.limit, 100, 200)?;
    let min = percentage("min_margin_percentage", args.min_margin_percentage)?;
    let max = percentage("max_margin_percentage", args.max_margin_percentage)?;
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        return Err(ToolError::invalid(
            "`min_margin_percentage` is above `max_margin_percentage`; swap them.",
        ));
    }
    let target = ctx.target(args.division)?;
    let also = format!("{min:?}|{max:?}");
    let page = list_page_of(
        ctx,
        &target,
        (TOOL, &SALES_ITEMS),
        (Some("IsSalesItem eq true".to_string()), &also),
        limit,
        args.cursor.as_deref(),
    )
    .await?;
    // The general prices in force today: no customer, not ended.
    let in_force = format!(
        "Account eq null and (EndDate eq null or EndDate ge {})",
        odata::datetime(ctx.today())
    );
    let prices = for_items(ctx, &target, &GENERAL_PRICES, &page.rows, Some(&in_force)).await?;
    let items: Vec<Margin> = page
        .rows
        .iter()
        .map(|r| {
            let id = row::text_or_empty(r, "ID");
            // The general price from the lowest quantity; the standard price without one.
            let general = of_item(&prices, &id)
                .min_by(|a, b| row::num(a, "Quantity").total_cmp(&row::num(b, "Quantity")))
                .map(|p| row::num(p, "Price"));
            let price = general.unwrap_or_else(|| row::num(r, "StandardSalesPrice"));
            let cost = row::num(r, "CostPriceStandard");
            Margin {
                item_code: row::text_or_empty(r, "Code"),
                description: row::text(r, "Description"),
                sales_price: cents(price),
                cost_price: cents(cost),
                margin: cents(price - cost),
                margin_percentage: (price.abs() > 0.005)
                    .then(|| ((price - cost) / price * 1000.0).round() / 10.0),
                currency: row::text(r, "CostPriceCurrency").unwrap_or_else(|| "EUR".into()),
                item_id: id,
            }
        })
        .filter(|m| {
            let p = m.margin_percentage;
            min.is_none_or(|lo| p.is_some_and(|p| p >= lo))
                && max.is_none_or(|hi| p.is_some_and(|p| p <= hi))
        })
        .collect();
    let known: Vec<f64> = items.iter().filter_map(|m| m.margin_percentage).collect();
    Ok(MarginOutput {
        division: target.division,
        count: items.len(),
        average_margin_percentage: (!known.is_empty())
            .then(|| (known.iter().sum::<f64>() / known.len() as f64 * 10.0).round() / 10.0),
        items,
        has_more: page.has_more(),
        cursor: page.cursor,
        method: "Sales price: the item's general sales price in force today (no customer, not \
                 ended, from the lowest quantity), else its standard sales price; cost: its standard cost price; margin \
                 = price - cost; margin_percentage = margin / price x 100, one decimal."
            .to_string(),
    })
}
