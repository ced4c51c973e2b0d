//! get_items: `logistics/Items`.

use super::{
    ListSpec, ToolCtx, ToolError, cents, check_limit, fetch_page, next_cursor, read_cursor, row,
};
use crate::server::mcp::{cursor, odata};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

const ITEMS: ListSpec = ListSpec {
    path: "logistics/Items",
    key: "ID",
    select: "ID,Code,Description,ItemGroupCode,ItemGroupDescription,Unit,UnitDescription,IsSalesItem,IsPurchaseItem,IsStockItem,CostPriceStandard,CostPriceCurrency,StandardSalesPrice,SalesVatCode,StartDate,EndDate",
    what: "items",
    module: None,
};

#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ItemType {
    /// Items that can be sold.
    Sales,
    /// Items that can be bought.
    Purchase,
    /// Items kept in stock.
    Stock,
    #[default]
    All,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Text the item code or description contains.
    pub search: Option<String>,
    /// sales, purchase, stock or all (default all).
    #[serde(default)]
    pub item_type: ItemType,
    /// Leave out items whose end date has passed (default true).
    pub active_only: Option<bool>,
    /// Only items of this item group code.
    pub item_group: Option<String>,
    /// Rows per page, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Item {
    pub id: String,
    pub code: String,
    pub description: String,
    pub item_group_code: Option<String>,
    pub item_group: Option<String>,
    pub unit: Option<String>,
    pub is_sales_item: bool,
    pub is_purchase_item: bool,
    pub is_stock_item: bool,
    pub cost_price: f64,
    pub sales_price: f64,
    /// Sales price minus cost price, as a percentage of the sales price (null without a price).
    pub margin_percentage: Option<f64>,
    pub currency: String,
    pub sales_vat_code: Option<String>,
    pub end_date: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub division: i64,
    pub items: Vec<Item>,
    pub count: usize,
    pub has_more: bool,
    pub cursor: Option<String>,
}

pub async fn get(ctx: &ToolCtx<'_>, args: Args) -> Result<Output, ToolError> {
    const TOOL: &str = "get_items";
    let limit = check_limit(args.limit, 100, 500)?;
    let mut clauses = Vec::new();
    if let Some(search) = odata::code_or_description_contains(args.search.as_deref())? {
        clauses.push(search);
    }
    clauses.push(
        match args.item_type {
            ItemType::Sales => "IsSalesItem eq true",
            ItemType::Purchase => "IsPurchaseItem eq true",
            ItemType::Stock => "IsStockItem eq true",
            ItemType::All => "",
        }
        .to_string(),
    );
    if args.active_only.unwrap_or(true) {
        clauses.push(format!("not (EndDate le {})", odata::datetime(ctx.today())));
    }
    if let Some(g) = args.item_group.as_deref().filter(|g| !g.trim().is_empty()) {
        clauses.push(format!(
            "ItemGroupCode eq {}",
            odata::text(&odata::clean_text("item_group", g)?)
        ));
    }
    let target = ctx.target(args.division)?;
    let filter = odata::all_of(clauses);
    let fp = cursor::fingerprint(&[
        &target.division.to_string(),
        filter.as_deref().unwrap_or(""),
    ]);
    let after = read_cursor(TOOL, args.cursor.as_deref(), &fp)?.map(|p| p.skiptoken);
    let page = fetch_page(ctx, &target, &ITEMS, filter, limit, after).await?;
    let items: Vec<Item> = page
        .rows
        .iter()
        .map(|r| {
            let cost = row::num(r, "CostPriceStandard");
            let price = row::num(r, "StandardSalesPrice");
            Item {
                id: row::text_or_empty(r, "ID"),
                code: row::text_or_empty(r, "Code"),
                description: row::text_or_empty(r, "Description"),
                item_group_code: row::text(r, "ItemGroupCode"),
                item_group: row::text(r, "ItemGroupDescription"),
                unit: row::text(r, "UnitDescription").or_else(|| row::text(r, "Unit")),
                is_sales_item: row::flag(r, "IsSalesItem"),
                is_purchase_item: row::flag(r, "IsPurchaseItem"),
                is_stock_item: row::flag(r, "IsStockItem"),
                cost_price: cents(cost),
                sales_price: cents(price),
                margin_percentage: (price.abs() > 0.005)
                    .then(|| ((price - cost) / price * 1000.0).round() / 10.0),
                currency: row::text(r, "CostPriceCurrency").unwrap_or_else(|| "EUR".into()),
                sales_vat_code: row::text(r, "SalesVatCode"),
                end_date: row::date(r, "EndDate"),
            }
        })
        .collect();
    Ok(Output {
        division: target.division,
        count: items.len(),
        items,
        has_more: page.next.is_some(),
        cursor: page.next.map(|k| next_cursor(TOOL, &fp, 0, k)),
    })
}
