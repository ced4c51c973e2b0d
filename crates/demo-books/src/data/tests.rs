//! The demo books' promises, checked on the generated rows: sizes, unique keys, declared fields,
//! balanced books, and entries that agree with their lines, payments and open items.

use super::{
    AGE_GROUPS, ENTITY_SETS, age_group, entity_set, generate,
    random::guid,
    rows, sizes,
    trades::trade,
    values::{day_ms, slug},
    view,
};
use crate::{
    COMPANIES,
    dates::{DAY_MS, days_from_civil, parse_exact_date},
    odata::Row,
};
use serde_json::Value;
use std::collections::BTreeMap;

#[test]
fn every_company_has_the_promised_rows_and_they_are_stable() {
    for c in COMPANIES {
        let s = sizes(c.division).unwrap();
        let count = |p: &str| rows(c.division, p).unwrap().len();
        assert_eq!(count("crm/Accounts"), s.accounts);
        assert_eq!(count("crm/Contacts"), s.contacts);
        assert_eq!(count("logistics/Items"), s.items);
        assert_eq!(count("salesinvoice/SalesInvoices"), s.draft_invoices);
        assert_eq!(count("salesentry/SalesEntries"), s.sales_entries);
        assert_eq!(count("purchaseentry/PurchaseEntries"), s.purchase_entries);
        assert_eq!(count("financialtransaction/BankEntryLines"), s.payments());
        assert_eq!(count("read/financial/ReceivablesList"), s.receivables);
        assert_eq!(count("read/financial/PayablesList"), s.payables);
        assert_eq!(
            count("financialtransaction/TransactionLines"),
            s.transaction_lines() + count("generaljournalentry/GeneralJournalEntryLines")
        );
        assert!(s.transaction_lines() >= 300);
        // Generated again from scratch: identical.
        let again = generate(c.division, trade(c.division).unwrap());
        assert_eq!(
            again.sets["crm/Accounts"],
            rows(c.division, "crm/Accounts").unwrap()
        );
    }
    assert!(sizes(202).unwrap().accounts > 120);
    assert!(sizes(999).is_none());
    assert!(rows(999, "crm/Accounts").is_none());
}

#[test]
fn keys_and_names_are_unique_and_the_books_balance() {
    for c in COMPANIES {
        for set in ENTITY_SETS {
            // The aging lists are made per request, on a day.
            let made;
            let rows = match rows(c.division, set.path) {
                Some(rows) => rows,
                None => {
                    made = view(c.division, set, &[], T0_DAY).unwrap().unwrap();
                    &made[..]
                }
            };
            // A function's rows are unique per parameter value (`Period` within a `year`).
            let mut keys: Vec<String> = rows
                .iter()
                .map(|r| {
                    let params: Vec<String> =
                        set.params.iter().map(|(_, f)| r[*f].to_string()).collect();
                    format!("{}/{}", params.join("/"), r[set.key])
                })
                .collect();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), rows.len(), "{} keys", set.path);
            for r in rows {
                for k in r.keys() {
                    assert!(
                        set.fields.iter().any(|f| f.name == k),
                        "{}: {k} is not declared",
                        set.path
                    );
                }
                assert_eq!(r.len(), set.fields.len(), "{}: every field", set.path);
            }
        }
        let accounts = rows(c.division, "crm/Accounts").unwrap();
        let mut names: Vec<&str> = accounts
            .iter()
            .map(|a| a["Name"].as_str().unwrap())
            .collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), accounts.len());
        let cents: i64 = rows(c.division, "financialtransaction/TransactionLines")
            .unwrap()
            .iter()
            .map(|l| (l["AmountDC"].as_f64().unwrap() * 100.0).round() as i64)
            .sum();
        assert_eq!(cents, 0, "debits equal credits");
    }
}

/// Cents of a money value.
fn cents(v: &Value) -> i64 {
    (v.as_f64().unwrap() * 100.0).round() as i64
}

#[test]
fn purchase_entries_agree_with_their_transaction_lines_and_the_payables() {
    for c in COMPANIES {
        let s = sizes(c.division).unwrap();
        let all = |p: &str| rows(c.division, p).unwrap();
        let purchases = all("purchaseentry/PurchaseEntries");
        let lines = all("financialtransaction/TransactionLines");
        let accounts = all("crm/Accounts");
        assert_eq!(purchases.len(), s.purchase_entries);
        for p in purchases {
            let entry: Vec<&Row> = lines
                .iter()
                .filter(|l| l["EntryID"] == p["EntryID"])
                .collect();
            assert_eq!(entry.len(), 3, "creditors, costs, VAT");
            for l in &entry {
                assert_eq!(l["Type"], 30);
                assert_eq!(l["JournalCode"], p["Journal"]);
                assert_eq!(l["JournalDescription"], p["JournalDescription"]);
                assert_eq!(l["EntryNumber"], p["EntryNumber"]);
                assert_eq!(l["InvoiceNumber"], p["EntryNumber"]);
                assert_eq!(l["Date"], p["EntryDate"]);
                assert_eq!(l["FinancialYear"], p["FinancialYear"]);
                assert_eq!(l["FinancialPeriod"], p["FinancialPeriod"]);
                assert_eq!(l["Account"], p["Supplier"]);
                assert_eq!(l["Description"], p["Description"]);
            }
            let line = |code: &str| {
                *entry
                    .iter()
                    .find(|l| l["GLAccountCode"] == code)
                    .unwrap_or_else(|| panic!("{code} line"))
            };
            let gross = cents(&p["AmountDC"]);
            assert!(gross > 0);
            assert_eq!(cents(&p["AmountFC"]), gross);
            assert_eq!(cents(&line("1600")["AmountDC"]), -gross);
            assert_eq!(line("1600")["DueDate"], p["DueDate"]);
            assert_eq!(cents(&line("1510")["AmountDC"]), cents(&p["VATAmountDC"]));
            assert_eq!(entry.iter().map(|l| cents(&l["AmountDC"])).sum::<i64>(), 0);
            let supplier = accounts.iter().find(|a| a["ID"] == p["Supplier"]).unwrap();
            assert_eq!(supplier["IsSupplier"], true);
            assert_eq!(supplier["Name"], p["SupplierName"]);
        }
        let payables = all("read/financial/PayablesList");
        for open in payables {
            let p = purchases
                .iter()
                .find(|p| p["EntryID"] == open["Id"])
                .expect("an unpaid purchase entry");
            assert_eq!(cents(&open["Amount"]), cents(&p["AmountDC"]));
            assert_eq!(open["EntryNumber"], p["EntryNumber"]);
            assert_eq!(open["YourRef"], p["YourRef"]);
            assert_eq!(open["DueDate"], p["DueDate"]);
        }
        let paid_out = all("financialtransaction/BankEntryLines")
            .iter()
            .filter(|b| cents(&b["AmountDC"]) < 0)
            .count();
        assert_eq!(paid_out + payables.len(), purchases.len());
    }
}

#[test]
fn the_reporting_balance_sums_the_transaction_lines_exactly() {
    // Exact's grouping: (GL account, year, period, cost centre, type, status) → (amount, debit,
    // credit, count), in cents.
    type Sums = BTreeMap<(String, i64, i64, Option<String>, i64, i64), (i64, i64, i64, i64)>;
    for c in COMPANIES {
        let all = |p: &str| rows(c.division, p).unwrap();
        let lines = all("financialtransaction/TransactionLines");
        let gl = all("financial/GLAccounts");
        let mut expected = Sums::new();
        for l in lines {
            let key = (
                l["GLAccount"].as_str().unwrap().to_string(),
                l["FinancialYear"].as_i64().unwrap(),
                l["FinancialPeriod"].as_i64().unwrap(),
                l["CostCenter"].as_str().map(str::to_string),
                l["Type"].as_i64().unwrap(),
                l["Status"].as_i64().unwrap(),
            );
            let amount = cents(&l["AmountDC"]);
            let sum = expected.entry(key).or_default();
            sum.0 += amount;
            if amount > 0 {
                sum.1 += amount;
            } else {
                sum.2 -= amount;
            }
            sum.3 += 1;
        }
        let mut actual = Sums::new();
        let balance = all("financial/ReportingBalance");
        for b in balance {
            let key = (
                b["GLAccount"].as_str().unwrap().to_string(),
                b["ReportingYear"].as_i64().unwrap(),
                b["ReportingPeriod"].as_i64().unwrap(),
                b["CostCenterCode"].as_str().map(str::to_string),
                b["Type"].as_i64().unwrap(),
                b["Status"].as_i64().unwrap(),
            );
            let sums = (
                cents(&b["Amount"]),
                cents(&b["AmountDebit"]),
                cents(&b["AmountCredit"]),
                b["Count"].as_i64().unwrap(),
            );
            assert_eq!(sums.0, sums.1 - sums.2);
            assert!(sums.1 >= 0 && sums.2 >= 0 && sums.3 > 0);
            assert!(actual.insert(key, sums).is_none(), "one row per group");
            let account = gl.iter().find(|g| g["ID"] == b["GLAccount"]).unwrap();
            assert_eq!(account["Code"], b["GLAccountCode"]);
            assert_eq!(account["Description"], b["GLAccountDescription"]);
            assert_eq!(account["BalanceType"], b["BalanceType"]);
            assert_eq!(b["Division"], c.division);
        }
        assert_eq!(actual, expected, "division {}", c.division);
        assert_eq!(
            balance.iter().map(|b| cents(&b["Amount"])).sum::<i64>(),
            0,
            "still in balance"
        );
        // Numbered 1, 2, … in (year, period, code) order.
        let order: Vec<(i64, i64, &str)> = balance
            .iter()
            .map(|b| {
                (
                    b["ReportingYear"].as_i64().unwrap(),
                    b["ReportingPeriod"].as_i64().unwrap(),
                    b["GLAccountCode"].as_str().unwrap(),
                )
            })
            .collect();
        assert!(order.is_sorted());
        assert!(
            balance
                .iter()
                .enumerate()
                .all(|(i, b)| b["ID"].as_u64() == Some(i as u64 + 1))
        );
    }
}

#[test]
fn bank_entry_lines_are_the_bank_side_of_every_payment() {
    for c in COMPANIES {
        let s = sizes(c.division).unwrap();
        let all = |p: &str| rows(c.division, p).unwrap();
        let bank = all("financialtransaction/BankEntryLines");
        let lines = all("financialtransaction/TransactionLines");
        let sales = all("salesentry/SalesEntries");
        let purchases = all("purchaseentry/PurchaseEntries");
        assert_eq!(bank.len(), s.payments());
        let mut paid: Vec<i64> = Vec::new();
        for b in bank {
            let entry: Vec<&Row> = lines
                .iter()
                .filter(|l| l["EntryID"] == b["EntryID"])
                .collect();
            assert_eq!(entry.len(), 2, "bank and contra");
            let (bank_side, contra) = match entry[..] {
                [x, y] if x["GLAccountCode"] == "1100" => (x, y),
                [x, y] => (y, x),
                _ => unreachable!(),
            };
            assert_eq!(bank_side["GLAccountCode"], "1100");
            assert_eq!(bank_side["JournalCode"], "20");
            assert_eq!(cents(&bank_side["AmountDC"]), cents(&b["AmountDC"]));
            assert_eq!(cents(&contra["AmountDC"]), -cents(&b["AmountDC"]));
            assert_eq!(cents(&b["AmountFC"]), cents(&b["AmountDC"]));
            for field in [
                "EntryNumber",
                "Date",
                "Account",
                "AccountCode",
                "AccountName",
                "Description",
                "Currency",
            ] {
                assert_eq!(bank_side[field], b[field], "{field}");
            }
            for field in ["GLAccount", "GLAccountCode", "GLAccountDescription"] {
                assert_eq!(contra[field], b[field], "{field}");
            }
            assert_eq!(bank_side["InvoiceNumber"], b["OurRef"]);

            // The invoice it settles: a receipt for a sale, a payment for a purchase.
            let money_in = cents(&b["AmountDC"]) > 0;
            let (invoices, party, contra_code) = if money_in {
                (sales, "Customer", "1300")
            } else {
                (purchases, "Supplier", "1600")
            };
            let invoice = invoices
                .iter()
                .find(|e| e["EntryNumber"] == b["OurRef"])
                .expect("the invoice paid");
            assert_eq!(cents(&invoice["AmountDC"]), cents(&b["AmountDC"]).abs());
            assert_eq!(invoice[party], b["Account"]);
            assert_eq!(b["GLAccountCode"], contra_code);
            assert!(
                parse_exact_date(b["Date"].as_str().unwrap())
                    > parse_exact_date(invoice["EntryDate"].as_str().unwrap())
            );
            paid.push(b["OurRef"].as_i64().unwrap());
        }
        paid.sort_unstable();
        paid.dedup();
        assert_eq!(paid.len(), bank.len(), "each invoice paid once");
        let bank_total: i64 = lines
            .iter()
            .filter(|l| l["GLAccountCode"] == "1100")
            .map(|l| cents(&l["AmountDC"]))
            .sum();
        assert_eq!(
            bank.iter().map(|b| cents(&b["AmountDC"])).sum::<i64>(),
            bank_total
        );
    }
}

#[test]
fn dates_fall_in_2025_and_2026_and_some_items_are_overdue() {
    let t0_ms = 1_795_262_400_000; // 2026-11-21T12:00:00Z, the tests' clock
    let (lo, hi) = (
        day_ms(days_from_civil(2025, 1, 1)),
        day_ms(days_from_civil(2027, 1, 1)),
    );
    for c in COMPANIES {
        for r in rows(c.division, "financialtransaction/TransactionLines").unwrap() {
            let ms = parse_exact_date(r["Date"].as_str().unwrap()).unwrap();
            assert!((lo..hi).contains(&ms));
        }
        for list in [
            "read/financial/ReceivablesList",
            "read/financial/PayablesList",
        ] {
            let due: Vec<i64> = rows(c.division, list)
                .unwrap()
                .iter()
                .map(|r| parse_exact_date(r["DueDate"].as_str().unwrap()).unwrap())
                .collect();
            assert!(due.iter().any(|d| *d < t0_ms), "{list}: some overdue");
            assert!(due.iter().any(|d| *d >= t0_ms - 30 * DAY_MS));
        }
    }
}

#[test]
fn guids_are_valid_and_differ_per_division() {
    let a = guid(101, "account", 0);
    assert!(uuid::Uuid::parse_str(&a).is_ok());
    assert_ne!(a, guid(202, "account", 0));
    assert_eq!(a, guid(101, "account", 0));
    assert_eq!(slug("Café 't Hoekje"), "cafe-t-hoekje");
    assert_eq!(slug("Jansen Logistiek B.V."), "jansen-logistiek");
}

/// The tests' clock: 2026-11-21.
const T0_DAY: i64 = 1_795_262_400 / 86_400;

fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
    q.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn the_aging_lists_age_the_open_items_on_the_day_asked() {
    for c in COMPANIES {
        for (aging, open) in [
            (
                "read/financial/AgingReceivablesList",
                "read/financial/ReceivablesList",
            ),
            (
                "read/financial/AgingPayablesList",
                "read/financial/PayablesList",
            ),
        ] {
            let set = entity_set(aging).unwrap();
            let rows = view(c.division, set, &[], T0_DAY).unwrap().unwrap();
            let items = super::rows(c.division, open).unwrap();
            // Expected per account: cents per age group, from each item's invoice date.
            let mut expected: BTreeMap<String, [i64; 4]> = BTreeMap::new();
            for i in items {
                let day = parse_exact_date(i["InvoiceDate"].as_str().unwrap()).unwrap() / DAY_MS;
                let groups = expected
                    .entry(i["AccountId"].as_str().unwrap().to_string())
                    .or_default();
                groups[age_group(T0_DAY - day)] += cents(&i["Amount"]);
            }
            assert_eq!(rows.len(), expected.len(), "one row per account");
            for r in rows.iter() {
                let groups = expected[r["AccountId"].as_str().unwrap()];
                for (n, want) in groups.iter().enumerate() {
                    assert_eq!(cents(&r[&format!("AgeGroup{}Amount", n + 1)]), *want);
                    assert_eq!(r[&format!("AgeGroup{}Description", n + 1)], AGE_GROUPS[n].1);
                }
                assert_eq!(cents(&r["TotalAmount"]), groups.iter().sum::<i64>());
            }
            // A year later everything is older than 90 days.
            let later = view(c.division, set, &[], T0_DAY + 400).unwrap().unwrap();
            assert!(
                later
                    .iter()
                    .all(|r| cents(&r["TotalAmount"]) == cents(&r["AgeGroup4Amount"]))
            );
        }
        assert_eq!(age_group(0), 0);
        assert_eq!(age_group(30), 0);
        assert_eq!(age_group(31), 1);
        assert_eq!(age_group(90), 2);
        assert_eq!(age_group(91), 3);
    }
}

#[test]
fn revenue_per_period_is_the_revenue_accounts_balance_and_needs_a_year() {
    let set = entity_set("read/financial/RevenueListByYear").unwrap();
    for c in COMPANIES {
        let rows = view(c.division, set, &pairs(&[("year", "2025")]), T0_DAY)
            .unwrap()
            .unwrap();
        assert_eq!(rows.len(), 12);
        for r in rows.iter() {
            let balance: i64 = super::rows(c.division, "financial/ReportingBalance")
                .unwrap()
                .iter()
                .filter(|b| {
                    // The revenue accounts: 8000 and up in every company.
                    b["GLAccountCode"].as_str().unwrap() >= "8000"
                        && b["ReportingYear"] == 2025
                        && b["ReportingPeriod"] == r["Period"]
                })
                .map(|b| cents(&b["Amount"]))
                .sum();
            assert_eq!(cents(&r["Amount"]), -balance);
            assert!(cents(&r["Amount"]) > 0);
        }
    }
    assert!(view(101, set, &[], T0_DAY).unwrap_err().contains("year"));
    assert!(view(101, set, &pairs(&[("year", "x")]), T0_DAY).is_err());
}

#[test]
fn depreciation_in_the_ledger_is_the_assets_straight_line_and_the_journal_balances() {
    for c in COMPANIES {
        let all = |p: &str| super::rows(c.division, p).unwrap();
        let assets = all("assets/Assets");
        let methods = all("assets/DepreciationMethods");
        let lines = all("financialtransaction/TransactionLines");
        assert!(assets.len() >= 5);
        for a in assets {
            let method = methods
                .iter()
                .find(|m| m["ID"] == a["PrimaryMethod"])
                .unwrap();
            let months = method["Periods"].as_i64().unwrap();
            let total = cents(&a["InvestmentAmountDC"]) - cents(&a["ResidualValue"]);
            let each = total / months;
            let start = parse_exact_date(a["StartDate"].as_str().unwrap()).unwrap() / DAY_MS;
            let (y0, m0, _) = crate::dates::civil_from_days(start);
            let booked: Vec<&Row> = lines
                .iter()
                .filter(|l| {
                    l["Type"] == 70 && l["Asset"] == a["ID"] && l["GLAccountCode"] == "4600"
                })
                .collect();
            for l in &booked {
                let k = (l["FinancialYear"].as_i64().unwrap() - y0) * 12
                    + l["FinancialPeriod"].as_i64().unwrap()
                    - i64::from(m0);
                let want = if k == months - 1 {
                    total - each * (months - 1)
                } else {
                    each
                };
                assert!((0..months).contains(&k));
                assert_eq!(cents(&l["AmountDC"]), want, "{}", a["Description"]);
            }
            match a["Status"].as_i64().unwrap() {
                1 => assert_eq!(
                    booked.len(),
                    22,
                    "Jan 2025 to Oct 2026: {}",
                    a["Description"]
                ),
                4 | 3 | 6 => assert!(booked.len() < 22),
                s => panic!("status {s}"),
            }
        }
        // The journal's lines are the ledger's memorial lines, and each entry balances.
        let gje = all("generaljournalentry/GeneralJournalEntries");
        let gjl = all("generaljournalentry/GeneralJournalEntryLines");
        let memorial: Vec<&Row> = lines.iter().filter(|l| l["JournalCode"] == "90").collect();
        assert_eq!(gjl.len(), memorial.len());
        for e in gje {
            let own: Vec<&Row> = gjl
                .iter()
                .filter(|l| l["EntryID"] == e["EntryID"])
                .collect();
            assert!(!own.is_empty());
            assert_eq!(own.iter().map(|l| cents(&l["AmountDC"])).sum::<i64>(), 0);
            let ledger: Vec<&&Row> = memorial
                .iter()
                .filter(|l| l["EntryID"] == e["EntryID"])
                .collect();
            assert_eq!(ledger.len(), own.len());
            assert!(ledger.iter().all(|l| l["Status"] == e["Status"]));
        }
        assert_eq!(
            gje.iter().filter(|e| e["Status"] == 20).count(),
            1,
            "October 2026 is open"
        );
    }
}

#[test]
fn vat_lines_go_to_their_codes_accounts_and_budgets_cover_every_pl_account() {
    for c in COMPANIES {
        let all = |p: &str| super::rows(c.division, p).unwrap();
        let codes = all("vat/VATCodes");
        let vat_accounts: Vec<&Value> = codes
            .iter()
            .flat_map(|v| [&v["GLToPayCode"], &v["GLToClaimCode"]])
            .collect();
        for l in all("financialtransaction/TransactionLines") {
            if vat_accounts.contains(&&l["GLAccountCode"]) {
                assert!(codes.iter().any(|v| v["Code"] == l["VATCode"]), "{l:?}");
            }
        }
        let budgets = all("budget/Budgets");
        let pl: Vec<&Value> = all("financial/ReportingBalance")
            .iter()
            .filter(|b| b["BalanceType"] == "W" && b["ReportingYear"] == 2025)
            .map(|b| &b["GLAccountCode"])
            .collect();
        for code in pl {
            let n = budgets
                .iter()
                .filter(|b| &b["GLAccountCode"] == code)
                .count();
            assert_eq!(n, 24, "{code}");
        }
        let centres = all("hrm/Costcenters");
        for l in all("financialtransaction/TransactionLines") {
            let pl = l["GLAccountCode"].as_str().unwrap() >= "4000";
            assert_eq!(l["CostCenter"].is_string(), pl, "{l:?}");
            if pl {
                let cc = centres
                    .iter()
                    .find(|cc| cc["Code"] == l["CostCenter"])
                    .unwrap();
                assert!(cc["EndDate"].is_null(), "booked to a centre in use");
            }
        }
    }
}

#[test]
fn stock_and_prices_agree_with_the_items() {
    for c in COMPANIES {
        let all = |p: &str| super::rows(c.division, p).unwrap();
        let items = all("logistics/Items");
        let positions = all("inventory/ItemWarehouses");
        let prices = all("logistics/SalesItemPrices");
        let supplied = all("logistics/SupplierItem");
        for item in items {
            let own = |rows: &'static [Row], field: &str| -> Vec<&'static Row> {
                rows.iter().filter(|r| r[field] == item["ID"]).collect()
            };
            let stock: f64 = own(positions, "Item")
                .iter()
                .map(|p| p["CurrentStock"].as_f64().unwrap())
                .sum();
            assert_eq!(item["Stock"].as_f64().unwrap(), stock);
            if item["IsStockItem"] != true {
                assert!(own(positions, "Item").is_empty());
            }
            // One general price in force (no end date); some items also had an earlier one.
            let general: Vec<&Row> = own(prices, "Item")
                .into_iter()
                .filter(|p| p["Account"].is_null() && p["EndDate"].is_null())
                .collect();
            assert_eq!(general.len(), usize::from(item["IsSalesItem"] == true));
            for p in general {
                assert_eq!(cents(&p["Price"]), cents(&item["StandardSalesPrice"]));
            }
            let ended = own(prices, "Item")
                .into_iter()
                .filter(|p| p["Account"].is_null() && p["EndDate"].is_string());
            for p in ended {
                assert!(cents(&p["Price"]) < cents(&item["StandardSalesPrice"]));
            }
            for s in own(supplied, "Item") {
                assert_eq!(
                    cents(&s["PurchasePrice"]),
                    cents(&item["CostPriceStandard"])
                );
                assert_eq!(item["IsPurchaseItem"], true);
            }
        }
        assert!(
            prices
                .iter()
                .any(|p| p["Account"].is_null() && p["EndDate"].is_string()),
            "some general prices have ended"
        );
    }
}
