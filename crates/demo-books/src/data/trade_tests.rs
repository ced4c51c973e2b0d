//! The order, CRM, project, subscription and document books agree with the rest: checked on the
//! generated rows, each figure recomputed from the rows it comes from.

use super::{attachment, documents::LARGE_FILE_BYTES, rows};
use crate::{COMPANIES, dates::parse_exact_date, has_module, odata::Row};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

fn cents(v: &Value) -> i64 {
    (v.as_f64().unwrap_or(0.0) * 100.0).round() as i64
}

fn day(v: &Value) -> i64 {
    parse_exact_date(v.as_str().unwrap()).unwrap() / 86_400_000
}

fn all(division: i64, path: &str) -> &'static [Row] {
    rows(division, path).unwrap()
}

fn by_id<'a>(rows: &'a [Row], key: &str) -> HashMap<String, &'a Row> {
    rows.iter()
        .map(|r| (r[key].as_str().unwrap().to_string(), r))
        .collect()
}

#[test]
fn complete_orders_are_the_posted_invoices_and_their_lines_sum_up() {
    for c in COMPANIES {
        let d = c.division;
        let items = by_id(all(d, "logistics/Items"), "ID");
        for (orders, lines, entries, side) in [
            (
                "salesorder/SalesOrders",
                "salesorder/SalesOrderLines",
                "salesentry/SalesEntries",
                ("OrderID", "OrderID", "OrderedBy", "Customer", "Status", 21),
            ),
            (
                "purchaseorder/PurchaseOrders",
                "purchaseorder/PurchaseOrderLines",
                "purchaseentry/PurchaseEntries",
                (
                    "PurchaseOrderID",
                    "PurchaseOrderID",
                    "Supplier",
                    "Supplier",
                    "OrderStatus",
                    30,
                ),
            ),
        ] {
            let (key, line_key, relation, entry_relation, status, complete) = side;
            let orders = all(d, orders);
            let lines = all(d, lines);
            let entries = all(d, entries);
            let done: Vec<&Row> = orders.iter().filter(|o| o[status] == complete).collect();
            assert_eq!(done.len(), entries.len().div_ceil(3), "{d} one in three");
            let is_sales = key == "OrderID";
            for o in &done {
                let own: Vec<&Row> = lines.iter().filter(|l| l[line_key] == o[key]).collect();
                assert!(!own.is_empty());
                let net: i64 = own.iter().map(|l| cents(&l["AmountDC"])).sum();
                let (gross, vat): (i64, i64) = (
                    cents(&o["AmountDC"]),
                    own.iter().map(|l| cents(&l["VATAmount"])).sum(),
                );
                if is_sales {
                    assert_eq!(net, cents(&o["AmountFCExclVat"]));
                    assert_eq!(gross, net + vat);
                } else {
                    assert_eq!(gross, net, "purchase orders: AmountDC excludes VAT");
                }
                // A posted entry of the same relation with the same amount, on or after the order.
                let matched = entries.iter().any(|e| {
                    e[entry_relation] == o[relation]
                        && cents(&e["AmountDC"]) == net + vat
                        && day(&e["EntryDate"]) >= day(&o["OrderDate"])
                });
                assert!(matched, "{d} order {} has its invoice", o["OrderNumber"]);
                for l in own {
                    let item = items[l["Item"].as_str().unwrap()];
                    let flag = if is_sales {
                        "IsSalesItem"
                    } else {
                        "IsPurchaseItem"
                    };
                    assert_eq!(item[flag], true);
                    let q = l["Quantity"].as_f64().unwrap();
                    let net_price = l["NetPrice"].as_f64().unwrap();
                    assert!((q * net_price * 100.0 - cents(&l["AmountDC"]) as f64).abs() < 0.5);
                }
            }
            let states: HashSet<i64> = orders.iter().map(|o| o[status].as_i64().unwrap()).collect();
            assert_eq!(states.len(), 4, "{d}: open, partial, complete, cancelled");
        }
    }
}

#[test]
fn quotations_lead_to_orders_and_opportunities_to_quotations() {
    for c in COMPANIES {
        let d = c.division;
        let quotes = all(d, "crm/Quotations");
        let orders = all(d, "salesorder/SalesOrders");
        let opps = by_id(all(d, "crm/Opportunities"), "ID");
        let mut versions: HashMap<i64, Vec<&Row>> = HashMap::new();
        for q in quotes {
            versions
                .entry(q["QuotationNumber"].as_i64().unwrap())
                .or_default()
                .push(q);
        }
        assert!(
            versions.values().any(|v| v.len() == 2),
            "{d}: some have two versions"
        );
        for v in versions.values() {
            let latest = v
                .iter()
                .map(|q| q["VersionNumber"].as_i64().unwrap())
                .max()
                .unwrap();
            for q in v {
                if q["VersionNumber"].as_i64() != Some(latest) {
                    assert_eq!(q["Status"], 6, "an earlier version is reviewed and closed");
                }
            }
        }
        let accepted: Vec<&Row> = quotes.iter().filter(|q| q["Status"] == 50).collect();
        assert!(accepted.len() >= 3);
        for q in &accepted {
            assert!(orders.iter().any(|o| o["OrderedBy"] == q["OrderAccount"]
                && cents(&o["AmountDC"]) == cents(&q["AmountDC"])
                && day(&o["OrderDate"]) >= day(&q["QuotationDate"])));
        }
        let mut won = 0;
        for o in opps.values() {
            let linked: Vec<&&Row> = accepted
                .iter()
                .filter(|q| q["Opportunity"] == o["ID"])
                .collect();
            match o["OpportunityStatus"].as_i64().unwrap() {
                2 => {
                    won += 1;
                    assert_eq!(linked.len(), 1);
                    let q = linked[0];
                    assert_eq!(
                        cents(&o["AmountDC"]),
                        cents(&q["AmountDC"]) - cents(&q["VATAmountFC"])
                    );
                    assert_eq!(o["Probability"], 1.0);
                }
                1 => assert!(day(&o["CloseDate"]) > day(&o["Created"])),
                3 => assert!(o["ReasonCodeDescription"].is_string()),
                s => panic!("status {s}"),
            }
        }
        assert!(won > 0, "{d}");
        for q in quotes {
            if let Some(o) = q["Opportunity"].as_str() {
                assert!(opps.contains_key(o));
            }
        }
    }
}

#[test]
fn hours_and_terms_agree_with_their_projects() {
    for c in COMPANIES {
        let d = c.division;
        let projects = all(d, "project/Projects");
        assert_eq!(projects.is_empty(), !has_module(d, "Projects"), "{d}");
        let projects = by_id(projects, "ID");
        let items = by_id(all(d, "logistics/Items"), "ID");
        for h in all(d, "project/TimeTransactions") {
            let p = projects[h["Project"].as_str().unwrap()];
            assert_eq!(h["Account"], p["Account"]);
            assert_eq!(h["ProjectCode"], p["Code"]);
            assert!(day(&h["Date"]) >= day(&p["StartDate"]));
            if p["EndDate"].is_string() {
                assert!(day(&h["Date"]) <= day(&p["EndDate"]));
            }
            let item = items[h["Item"].as_str().unwrap()];
            assert_eq!(item["ItemGroupCode"], "UUR");
            assert_eq!(cents(&h["PriceFC"]), cents(&item["StandardSalesPrice"]));
            let amount = h["Quantity"].as_f64().unwrap() * cents(&h["PriceFC"]) as f64;
            assert_eq!(cents(&h["AmountFC"]), amount.round() as i64);
        }
        let terms = all(d, "project/InvoiceTerms");
        for p in projects.values() {
            let own: Vec<&Row> = terms.iter().filter(|t| t["Project"] == p["ID"]).collect();
            match p["Type"].as_i64().unwrap() {
                2 | 5 => {
                    assert_eq!(own.len(), 3);
                    let sum: i64 = own.iter().map(|t| cents(&t["Amount"])).sum();
                    assert_eq!(sum, cents(&p["BudgetedRevenue"]));
                }
                3 => {
                    // Each term bills the final hours of one month.
                    for t in own {
                        let (from, to) = (day(&t["ExecutionFromDate"]), day(&t["ExecutionToDate"]));
                        let hours: i64 = all(d, "project/TimeTransactions")
                            .iter()
                            .filter(|h| h["Project"] == p["ID"] && h["HourStatus"] == 20)
                            .filter(|h| (from..=to).contains(&day(&h["Date"])))
                            .map(|h| cents(&h["AmountFC"]))
                            .sum();
                        assert_eq!(cents(&t["Amount"]), hours);
                    }
                }
                _ => assert!(own.is_empty()),
            }
        }
    }
}

#[test]
fn subscriptions_documents_and_their_files() {
    for c in COMPANIES {
        let d = c.division;
        let subs = all(d, "subscription/Subscriptions");
        assert_eq!(subs.is_empty(), !has_module(d, "Subscriptions"), "{d}");
        let types = by_id(all(d, "subscription/SubscriptionTypes"), "ID");
        let subs = by_id(subs, "EntryID");
        for s in subs.values() {
            let t = types[s["SubscriptionType"].as_str().unwrap()];
            assert!(["mm", "qt", "yy"].contains(&t["InvoicePeriodUnit"].as_str().unwrap()));
        }
        for l in all(d, "subscription/SubscriptionLines") {
            let s = subs[l["EntryID"].as_str().unwrap()];
            assert_eq!(l["FromDate"], s["StartDate"]);
            let q = l["Quantity"].as_f64().unwrap();
            assert_eq!(
                cents(&l["AmountDC"]),
                (q * cents(&l["UnitPrice"]) as f64) as i64
            );
        }
        let docs = by_id(all(d, "documents/Documents"), "ID");
        let mut large = 0;
        for a in all(d, "documents/DocumentAttachments") {
            assert!(docs.contains_key(a["Document"].as_str().unwrap()));
            let id = a["ID"].as_str().unwrap();
            let (name, bytes) = attachment(d, &id.to_uppercase()).unwrap();
            assert_eq!(name, a["FileName"]);
            assert_eq!(bytes.len() as f64, a["FileSize"].as_f64().unwrap());
            assert!(
                a["Url"]
                    .as_str()
                    .unwrap()
                    .starts_with("/docs/SysAttachment.aspx?ID=")
            );
            if bytes.len() == LARGE_FILE_BYTES {
                large += 1;
            }
            if name.ends_with(".pdf") {
                assert!(bytes.starts_with(b"%PDF-"));
            }
        }
        assert_eq!(large, 1);
        assert!(attachment(d, "00000000-0000-0000-0000-000000000000").is_none());
    }
    assert!(!has_module(101, "projects") && !has_module(404, "Subscriptions"));
    assert!(has_module(202, "Projects") && has_module(303, "Subscriptions"));
}
