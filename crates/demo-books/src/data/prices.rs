//! The logistics around the items: `inventory/ItemWarehouses` (stock per item and warehouse, with
//! its safety stock), `logistics/SalesItemPrices` (the general sales price of every sales item and
//! some customers' price agreements) and `logistics/SupplierItem` (the main supplier's purchase
//! price). They agree with `logistics/Items`: the general price is the item's standard sales
//! price, the purchase price its standard cost price, and the item's `Stock` the sum of its
//! warehouses' current stock.

use super::{
    Books,
    accounts::Acct,
    random::{Rng, guid},
    values::{date, money, obj},
};
use crate::odata::Row;
use serde_json::{Value, json};

/// The warehouses: every company has a main one; the builder also a depot on site.
fn warehouses(division: i64) -> &'static [(&'static str, &'static str)] {
    match division {
        404 => &[("1", "Hoofdmagazijn"), ("2", "Depot bouwplaats")],
        _ => &[("1", "Hoofdmagazijn")],
    }
}

fn text(row: &Row, field: &str) -> Value {
    row.get(field).cloned().unwrap_or(Value::Null)
}

fn cents(row: &Row, field: &str) -> i64 {
    (row.get(field).and_then(Value::as_f64).unwrap_or(0.0) * 100.0).round() as i64
}

/// Stock per stock item and warehouse; fills in each item's `Stock`. About one in six positions
/// is below its safety stock.
pub(super) fn stock(books: &Books, items: &mut [Row]) -> Vec<Row> {
    let division = books.division;
    let mut rng = Rng::new(division as u64 ^ 0x0057_0C4E);
    let mut rows = Vec::new();
    for item in items.iter_mut() {
        let stocked = item.get("IsStockItem").and_then(Value::as_bool) == Some(true);
        let mut total = 0;
        for (w, (code, description)) in warehouses(division).iter().enumerate() {
            if !stocked {
                continue;
            }
            let safety = rng.between(2, 12) * 5;
            let current = if rng.chance(17) {
                rng.between(0, safety - 1)
            } else {
                safety + rng.between(0, 120)
            };
            let (planned_in, planned_out) = (rng.between(0, 3) * 10, rng.between(0, 40));
            total += current;
            rows.push(obj(json!({
                "ID": guid(division, "itemwarehouse", rows.len()),
                "Item": text(item, "ID"),
                "ItemCode": text(item, "Code"),
                "ItemDescription": text(item, "Description"),
                "ItemUnit": text(item, "Unit"),
                "ItemUnitDescription": text(item, "UnitDescription"),
                "ItemIsStockItem": true,
                "Warehouse": guid(division, "warehouse", w),
                "WarehouseCode": code,
                "WarehouseDescription": description,
                "CurrentStock": current as f64,
                "PlannedStockIn": planned_in as f64,
                "PlannedStockOut": planned_out as f64,
                "ProjectedStock": (current + planned_in - planned_out) as f64,
                "ReservedStock": 0.0,
                "SafetyStock": safety as f64,
                "ReorderPoint": (safety * 3 / 2) as f64,
                "MaximumStock": (safety * 6) as f64,
                "Division": division,
            })));
        }
        item.insert("Stock".to_string(), json!(total as f64));
    }
    rows
}

/// The general sales price of each sales item (its standard sales price) and, for one item in
/// four, a price agreement with a customer at 5 to 15% off. One item in five had another general
/// price until mid-2025: that one has ended, and the current one starts the day after.
pub(super) fn sales_prices(
    books: &Books,
    items: &[Row],
    accounts: &[Acct],
    customers: &[usize],
) -> Vec<Row> {
    let division = books.division;
    let mut rng = Rng::new(division as u64 ^ 0x0050_41CE);
    let mut rows = Vec::new();
    for item in items
        .iter()
        .filter(|i| i.get("IsSalesItem").and_then(Value::as_bool) == Some(true))
    {
        let price = cents(item, "StandardSalesPrice");
        let changed = books.first_day + 180;
        let mut push = |account: Option<&Acct>, cents: i64, (start, end): (i64, Option<i64>)| {
            rows.push(obj(json!({
                "ID": guid(division, "salesitemprice", rows.len()),
                "Item": text(item, "ID"),
                "ItemCode": text(item, "Code"),
                "ItemDescription": text(item, "Description"),
                "Account": account.map(|a| a.id.clone()),
                "AccountName": account.map(|a| a.name.clone()),
                "Price": money(cents),
                "Currency": "EUR",
                "Quantity": 0.0,
                "StartDate": date(start),
                "EndDate": end.map(date),
                "Unit": text(item, "Unit"),
                "UnitDescription": text(item, "UnitDescription"),
                "NumberOfItemsPerUnit": 1.0,
                "Division": division,
            })));
        };
        if rng.chance(20) {
            push(None, price * 90 / 100, (books.first_day, Some(changed)));
            push(None, price, (changed + 1, None));
        } else {
            push(None, price, (books.first_day, None));
        }
        if rng.chance(25) && !customers.is_empty() {
            let customer = &accounts[customers[rng.below(customers.len())]];
            let agreed = price * (100 - rng.between(5, 15)) / 100;
            push(Some(customer), agreed, (books.first_day, None));
        }
    }
    rows
}

/// The main supplier's purchase price of each purchase item: its standard cost price.
pub(super) fn supplier_items(
    books: &Books,
    items: &[Row],
    accounts: &[Acct],
    suppliers: &[usize],
) -> Vec<Row> {
    let division = books.division;
    items
        .iter()
        .filter(|i| i.get("IsPurchaseItem").and_then(Value::as_bool) == Some(true))
        .enumerate()
        .filter_map(|(n, item)| {
            let supplier = &accounts[*suppliers.get(n % suppliers.len().max(1))?];
            Some(obj(json!({
                "ID": guid(division, "supplieritem", n),
                "Item": text(item, "ID"),
                "ItemCode": text(item, "Code"),
                "ItemDescription": text(item, "Description"),
                "Supplier": supplier.id,
                "SupplierCode": supplier.code,
                "SupplierDescription": supplier.name,
                "SupplierItemCode": format!("S-{}", item.get("Code").and_then(Value::as_str).unwrap_or_default()),
                "MainSupplier": true,
                "PurchasePrice": money(cents(item, "CostPriceStandard")),
                "Currency": "EUR",
                "PurchaseUnit": text(item, "Unit"),
                "PurchaseUnitFactor": 1.0,
                "Division": division,
            })))
        })
        .collect()
}
