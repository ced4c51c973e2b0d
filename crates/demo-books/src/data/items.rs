//! `logistics/Items`: a deterministic selection of the trade's products in its variants, priced
//! around the product's list price.

use super::{
    Books,
    random::{Rng, guid},
    values::{date, money, obj},
};
use crate::odata::Row;
use serde_json::{Value, json};

pub(super) fn generate(books: &Books, rng: &mut Rng) -> Vec<Row> {
    let t = books.trade;
    let division = books.division;
    let first_day = books.first_day;
    let mut combos: Vec<(usize, usize)> = (0..t.items.len())
        .flat_map(|p| (0..t.item_variants.len()).map(move |v| (p, v)))
        .collect();
    rng.shuffle(&mut combos);
    combos.truncate(t.sizes.items);
    combos.sort_unstable();
    combos
        .iter()
        .enumerate()
        .map(|(i, &(p, v))| {
            let (name, group, group_text, unit, price) = t.items[p];
            let price = price * (90 + rng.between(0, 30)) / 100;
            let created = first_day + rng.between(0, 300);
            obj(json!({
                "ID": guid(division, "item", i),
                "Code": format!("{group}-{:03}", i + 1),
                "Description": format!("{name} {}", t.item_variants[v]),
                "ItemGroupCode": group,
                "ItemGroupDescription": group_text,
                "Unit": unit,
                "UnitDescription": unit,
                "IsSalesItem": true,
                "IsPurchaseItem": group != "UUR",
                "IsStockItem": t.stock_items && group != "UUR" && group != "HUR",
                "CostPriceStandard": money(price * (45 + rng.between(0, 25)) / 100),
                "CostPriceCurrency": "EUR",
                "StandardSalesPrice": money(price),
                "SalesVatCode": t.vat_code,
                "StartDate": date(first_day),
                "EndDate": Value::Null,
                "Created": date(created),
                "Modified": date(created + rng.between(0, 300)),
                "Division": division,
            }))
        })
        .collect()
}
