//! The stock, price and margin tools of issue 19 end to end, like `finance_tools`: results
//! against the output schemas, figures recomputed here from the simulator's rows, paging that
//! returns every row once, bad arguments refused before Exact is asked, the request cap on the
//! largest company, and demo keys for every company.
use super::tool_session::{Session, all, cents, int};
use exact_mcp::server::mcp::source::MAX_REQUESTS_PER_CALL;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use test_kit::{
    TestApp,
    mcp::{call, data, sim_control, sim_requests},
};

const TOOLS: [&str; 4] = [
    "get_stock_positions",
    "get_sales_prices",
    "get_purchase_prices",
    "get_margin_analysis",
];

fn id(v: &Value) -> String {
    v.as_str().unwrap().to_lowercase()
}

#[tokio::test]
async fn stock_prices_and_margins_agree_with_the_items() {
    let mut s = Session::start().await;

    // get_stock_positions: every position once, and the items' stock is their positions' sum.
    let warehouses = all(404, "inventory/ItemWarehouses");
    let positions = s
        .every_page(
            "get_stock_positions",
            json!({ "division": 404, "limit": 25 }),
            "positions",
            &["item_id", "warehouse_code"],
        )
        .await;
    assert_eq!(positions.len(), warehouses.len());
    let items = all(404, "logistics/Items");
    for item in &items {
        let held: f64 = positions
            .iter()
            .filter(|p| id(&p["item_id"]) == id(&item["ID"]))
            .map(|p| p["in_stock"].as_f64().unwrap())
            .sum();
        assert_eq!(held, item["Stock"].as_f64().unwrap(), "{}", item["Code"]);
        let stocked = item["IsStockItem"] == json!(true);
        assert_eq!(
            held > 0.0 || stocked,
            stocked,
            "only stock items have stock"
        );
    }
    let low = s
        .every_page(
            "get_stock_positions",
            json!({ "division": 404, "below_minimum": true, "limit": 40 }),
            "positions",
            &["item_id", "warehouse_code"],
        )
        .await;
    let want = warehouses
        .iter()
        .filter(|w| w["CurrentStock"].as_f64() < w["SafetyStock"].as_f64())
        .count();
    assert!(want > 0);
    assert_eq!(low.len(), want);
    for p in &low {
        let short = p["safety_stock"].as_f64().unwrap() - p["in_stock"].as_f64().unwrap();
        assert_eq!(p["shortage"].as_f64().unwrap(), short);
    }
    let depot = s
        .call(
            "get_stock_positions",
            json!({ "division": 404, "warehouse": "2", "limit": 500 }),
        )
        .await;
    let want = warehouses
        .iter()
        .filter(|w| w["WarehouseCode"] == "2")
        .count();
    assert_eq!(depot["count"], json!(want));

    // get_sales_prices: the general price is the item's standard sales price; agreements name
    // their customer.
    let prices = all(101, "logistics/SalesItemPrices");
    let listed = s
        .every_page(
            "get_sales_prices",
            json!({ "division": 101, "limit": 30 }),
            "prices",
            &["id"],
        )
        .await;
    assert_eq!(listed.len(), prices.len());
    let items_101 = all(101, "logistics/Items");
    for p in &listed {
        let item = items_101
            .iter()
            .find(|i| id(&i["ID"]) == id(&p["item_id"]))
            .unwrap();
        if p["account_id"].is_null() && p["end_date"].is_null() {
            assert_eq!(cents(&p["price"]), cents(&item["StandardSalesPrice"]));
        } else if p["account_id"].is_null() {
            // An earlier general price, ended.
            assert!(p["end_date"].as_str().unwrap() < "2026-11-21");
        } else {
            assert!(cents(&p["price"]) < cents(&item["StandardSalesPrice"]));
            assert!(p["account_name"].is_string());
        }
    }
    let agreement = prices.iter().find(|p| p["Account"].is_string()).unwrap();
    let theirs = s
        .call(
            "get_sales_prices",
            json!({ "division": 101, "account_id": agreement["Account"] }),
        )
        .await;
    let want = prices
        .iter()
        .filter(|p| p["Account"] == agreement["Account"])
        .count();
    assert_eq!(theirs["count"], json!(want));

    // get_purchase_prices: the main supplier's price is the item's cost price.
    let supplier_items = all(202, "logistics/SupplierItem");
    let bought = s
        .every_page(
            "get_purchase_prices",
            json!({ "division": 202, "limit": 20 }),
            "items",
            &["item_id"],
        )
        .await;
    let purchase_items = all(202, "logistics/Items")
        .iter()
        .filter(|i| i["IsPurchaseItem"] == json!(true))
        .count();
    assert_eq!(bought.len(), purchase_items);
    for b in &bought {
        let main = &b["suppliers"][0];
        assert_eq!(main["main_supplier"], json!(true));
        assert_eq!(cents(&main["purchase_price"]), cents(&b["cost_price"]));
        let own = supplier_items
            .iter()
            .filter(|si| id(&si["Item"]) == id(&b["item_id"]))
            .count();
        assert_eq!(b["suppliers"].as_array().unwrap().len(), own);
    }
    let all_items = s
        .call(
            "get_purchase_prices",
            json!({ "division": 202, "purchase_items_only": false, "limit": 500 }),
        )
        .await;
    assert_eq!(all_items["count"], json!(all(202, "logistics/Items").len()));

    // get_margin_analysis: price minus cost over price, recomputed here.
    let margins = s
        .every_page(
            "get_margin_analysis",
            json!({ "division": 303, "limit": 10 }),
            "items",
            &["item_id"],
        )
        .await;
    let items_303 = all(303, "logistics/Items");
    // The general price in force: not the ones that ended (listed before them, cheaper).
    assert!(
        all(303, "logistics/SalesItemPrices")
            .iter()
            .any(|p| p["Account"].is_null() && p["EndDate"].is_string()),
        "some items had an earlier price"
    );
    let general: HashMap<String, i64> = all(303, "logistics/SalesItemPrices")
        .iter()
        .filter(|p| p["Account"].is_null() && p["EndDate"].is_null())
        .map(|p| (id(&p["Item"]), cents(&p["Price"])))
        .collect();
    let sold: Vec<&Value> = items_303
        .iter()
        .filter(|i| i["IsSalesItem"] == json!(true))
        .collect();
    assert_eq!(margins.len(), sold.len());
    let mut percentages = Vec::new();
    for m in &margins {
        let item = sold
            .iter()
            .find(|i| id(&i["ID"]) == id(&m["item_id"]))
            .unwrap();
        let price = general[&id(&item["ID"])];
        let cost = cents(&item["CostPriceStandard"]);
        assert_eq!(cents(&m["sales_price"]), price);
        assert_eq!(cents(&m["margin"]), price - cost);
        let pct = ((price - cost) as f64 / price as f64 * 1000.0).round() / 10.0;
        assert_eq!(m["margin_percentage"].as_f64().unwrap(), pct);
        percentages.push(pct);
    }
    percentages.sort_by(f64::total_cmp);
    let middle = percentages[percentages.len() / 2];
    let band = s
        .every_page(
            "get_margin_analysis",
            json!({ "division": 303, "min_margin_percentage": middle, "max_margin_percentage": 100 }),
            "items",
            &["item_id"],
        )
        .await;
    assert_eq!(
        band.len(),
        percentages.iter().filter(|p| **p >= middle).count()
    );
}

#[tokio::test]
async fn bad_arguments_are_refused_before_exact_and_the_cap_holds() {
    let mut s = Session::start().await;
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "get_stock_positions",
            json!({ "below_minimum": "yes" }),
            "invalid type",
        ),
        ("get_stock_positions", json!({ "limit": 0 }), "limit"),
        ("get_sales_prices", json!({ "item_id": "abc" }), "item_id"),
        (
            "get_sales_prices",
            json!({ "account_id": "'; drop" }),
            "account_id",
        ),
        (
            "get_purchase_prices",
            json!({ "search": "x".repeat(101) }),
            "search",
        ),
        (
            "get_purchase_prices",
            json!({ "cursor": "garbage" }),
            "cursor",
        ),
        (
            "get_margin_analysis",
            json!({ "min_margin_percentage": 50, "max_margin_percentage": 10 }),
            "swap",
        ),
        ("get_margin_analysis", json!({ "limit": 201 }), "limit"),
        (
            "get_margin_analysis",
            json!({ "max_margin_percentage": 150 }),
            "max_margin_percentage",
        ),
    ];
    let tools: HashSet<&str> = cases.iter().map(|c| c.0).collect();
    assert_eq!(tools.len(), TOOLS.len());
    for (tool, args, says) in cases {
        sim_control(&s.app, "reset-log").await;
        let message = s.refused(tool, args.clone()).await;
        assert!(message.contains(says), "{tool} {args}: {message}");
        assert!(
            sim_requests(&s.app).await.is_empty(),
            "{tool}: no Exact request"
        );
    }
    // The largest company by items, at Exact's pages and at pages of 3 rows.
    let largest = demo_books::COMPANIES
        .iter()
        .map(|c| c.division)
        .max_by_key(|d| all(*d, "logistics/Items").len())
        .unwrap();
    for rows in [60, 3] {
        sim_control(&s.app, &format!("page-size?rows={rows}")).await;
        for tool in TOOLS {
            sim_control(&s.app, "reset-log").await;
            s.pace();
            let args = json!({ "division": largest, "limit": if tool == "get_margin_analysis" { 200 } else { 500 } });
            let value = data(&call(&s.client, tool, args).await);
            let made = sim_requests(&s.app).await.len();
            assert!(
                made <= MAX_REQUESTS_PER_CALL,
                "{tool} at {rows}: {made} requests"
            );
            if value["truncated"] == json!(true) {
                assert_eq!(made, MAX_REQUESTS_PER_CALL, "{tool}");
            }
        }
    }
}

#[tokio::test]
async fn demo_keys_answer_the_stock_and_price_tools_for_each_company() {
    let mut s = Session::demo(TestApp::spawn().await).await;
    for company in demo_books::COMPANIES {
        for tool in TOOLS {
            let v = s.call(tool, json!({ "division": company.division })).await;
            let list = match tool {
                "get_stock_positions" => "positions",
                "get_sales_prices" => "prices",
                _ => "items",
            };
            let rows = v[list].as_array().unwrap();
            // The law firm keeps no stock: its answer is an empty list, not an error.
            if tool == "get_stock_positions"
                && all(company.division, "inventory/ItemWarehouses").is_empty()
            {
                assert!(rows.is_empty());
            } else {
                assert!(!rows.is_empty(), "{tool} for {}", company.name);
            }
            assert_eq!(int(&v["division"]), company.division);
        }
    }
}
