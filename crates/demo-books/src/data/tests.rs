//! The demo books' promises, checked on the generated rows: sizes, unique keys, declared fields,
//! balanced books, and entries that agree with their lines, payments and open items.

use super::{
    ENTITY_SETS, generate,
    random::guid,
    rows, sizes,
    trades::trade,
    values::{day_ms, slug},
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
            s.transaction_lines()
        );
        assert!(s.transaction_lines() >= 300);
        // Generated again from scratch: identical.
        let again = generate(c.division, trade(c.division).unwrap());
        assert_eq!(
            again["crm/Accounts"],
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
            let rows = rows(c.division, set.path).unwrap();
            let mut keys: Vec<String> = rows.iter().map(|r| r[set.key].to_string()).collect();
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
    // (GL account, year, period) → (amount, debit, credit, count), in cents.
    type Sums = BTreeMap<(String, i64, i64), (i64, i64, i64, i64)>;
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
            );
            let sums = (
                cents(&b["Amount"]),
                cents(&b["AmountDebit"]),
                cents(&b["AmountCredit"]),
                b["Count"].as_i64().unwrap(),
            );
            assert_eq!(sums.0, sums.1 - sums.2);
            assert!(sums.1 >= 0 && sums.2 >= 0 && sums.3 > 0);
            assert!(actual.insert(key, sums).is_none(), "one row per period");
            let account = gl.iter().find(|g| g["ID"] == b["GLAccount"]).unwrap();
            assert_eq!(account["Code"], b["GLAccountCode"]);
            assert_eq!(account["Description"], b["GLAccountDescription"]);
            assert_eq!(account["BalanceType"], b["BalanceType"]);
            assert_eq!(account["Type"], b["Type"]);
            assert_eq!(b["Status"], 50);
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
                "FinancialYear",
                "FinancialPeriod",
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
