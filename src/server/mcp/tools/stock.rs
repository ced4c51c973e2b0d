//! get_stock_positions: stock per item and warehouse from `inventory/ItemWarehouses`, with the
//! safety stock (Exact's minimum) and reorder point. Exact has no `inventory/StockPositions`
//! entity set: `read/logistics/StockPosition` answers one item at a time without a minimum, and
//! the sync endpoint filters on nothing but its timestamp.
//!
//! Field list: Exact's REST reference for InventoryItemWarehouses.

use super::{ListSpec, ToolCtx, ToolError, check_limit, list_page_of, row};
use crate::server::mcp::odata;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

const ITEM_WAREHOUSES: ListSpec = ListSpec {
    path: "inventory/ItemWarehouses",
    key: "ID",
    select: "ID,Item,ItemCode,ItemDescription,ItemUnitDescription,WarehouseCode,WarehouseDescription,CurrentStock,PlannedStockIn,PlannedStockOut,ProjectedStock,SafetyStock,ReorderPoint,MaximumStock",
    what: "stock positions",
    module: None,
};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Only this item code.
    pub item_code: Option<String>,
    /// Only this warehouse code.
    pub warehouse: Option<String>,
    /// Only positions below their safety stock (default false); a page can then hold fewer
    /// rows than `limit`.
    #[serde(default)]
    pub below_minimum: bool,
    /// Rows per page, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Position {
    pub item_id: String,
    pub item_code: String,
    pub item_description: Option<String>,
    pub unit: Option<String>,
    pub warehouse_code: Option<String>,
    pub warehouse: Option<String>,
    pub in_stock: f64,
    pub planned_in: f64,
    pub planned_out: f64,
    /// In stock plus planned in minus planned out.
    pub projected: f64,
    /// Exact's safety stock: the minimum to keep.
    pub safety_stock: f64,
    pub reorder_point: f64,
    pub maximum_stock: f64,
    pub below_minimum: bool,
    /// How many are missing to reach the safety stock (0 when not below it).
    pub shortage: f64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub division: i64,
    pub positions: Vec<Position>,
    pub count: usize,
    pub below_minimum_count: usize,
    pub has_more: bool,
    pub cursor: Option<String>,
}

pub async fn positions(ctx: &ToolCtx<'_>, args: Args) -> Result<Output, ToolError> {
    const TOOL: &str = "get_stock_positions";
    let limit = check_limit(args.limit, 100, 500)?;
    let mut clauses = Vec::new();
    if let Some(i) = odata::optional_text("item_code", args.item_code.as_deref())? {
        clauses.push(format!("ItemCode eq {}", odata::text(&i)));
    }
    if let Some(w) = odata::optional_text("warehouse", args.warehouse.as_deref())? {
        clauses.push(format!("WarehouseCode eq {}", odata::text(&w)));
    }
    let target = ctx.target(args.division)?;
    // Exact cannot compare two fields in a filter: below the minimum is checked here.
    let page = list_page_of(
        ctx,
        &target,
        (TOOL, &ITEM_WAREHOUSES),
        (
            odata::all_of(clauses),
            if args.below_minimum { "below" } else { "" },
        ),
        limit,
        args.cursor.as_deref(),
    )
    .await?;
    let positions: Vec<Position> = page
        .rows
        .iter()
        .map(|r| {
            let (current, safety) = (row::num(r, "CurrentStock"), row::num(r, "SafetyStock"));
            Position {
                item_id: row::text_or_empty(r, "Item"),
                item_code: row::text_or_empty(r, "ItemCode"),
                item_description: row::text(r, "ItemDescription"),
                unit: row::text(r, "ItemUnitDescription"),
                warehouse_code: row::text(r, "WarehouseCode"),
                warehouse: row::text(r, "WarehouseDescription"),
                in_stock: current,
                planned_in: row::num(r, "PlannedStockIn"),
                planned_out: row::num(r, "PlannedStockOut"),
                projected: row::num(r, "ProjectedStock"),
                safety_stock: safety,
                reorder_point: row::num(r, "ReorderPoint"),
                maximum_stock: row::num(r, "MaximumStock"),
                below_minimum: current < safety,
                shortage: (safety - current).max(0.0),
            }
        })
        .filter(|p| !args.below_minimum || p.below_minimum)
        .collect();
    Ok(Output {
        division: target.division,
        count: positions.len(),
        below_minimum_count: positions.iter().filter(|p| p.below_minimum).count(),
        positions,
        has_more: page.has_more(),
        cursor: page.cursor,
    })
}
