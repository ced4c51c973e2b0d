//! The seventeen finance and reporting tools end to end: rmcp's client against the real app and
//! the embedded simulator. Every structured result is checked against the tool's output schema,
//! and its figures against figures this file computes from the simulator's rows itself (never by
//! calling the tool's code): paging returns every row once, the trial balance balances, aging
//! buckets add up to the open items, the VAT summary is the VAT accounts' movement.
use super::tool_session::{
    Session, all, assert_cents, cents, code, day, gl_codes, int, profit_loss_codes, sum_cents,
    today,
};
use exact_mcp::{domain::TOOL_COUNT, server::mcp::source::MAX_REQUESTS_PER_CALL};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};
use test_kit::{
    TestApp,
    mcp::{call, data, sim_control, sim_requests},
};

const NEW_TOOLS: [&str; 17] = [
    "get_bank_transactions",
    "get_trial_balance",
    "get_cashflow_forecast",
    "get_revenue",
    "get_aging_analysis",
    "get_aging_receivables",
    "get_aging_payables",
    "search_transactions",
    "get_vat_summary",
    "get_budget_comparison",
    "get_journal_entries",
    "get_currencies",
    "get_currency_rates",
    "get_cost_centers",
    "get_cost_center_report",
    "get_fixed_assets",
    "get_depreciation_schedule",
];

#[tokio::test]
async fn bank_forecast_and_aging_tools_agree_with_the_books() {
    let mut s = Session::start().await;

    // get_bank_transactions: the first half of 2026, in pages of 40.
    let (from, to) = (
        demo_books::days_from_civil(2026, 1, 1),
        demo_books::days_from_civil(2026, 6, 30),
    );
    let expected: Vec<Value> = all(101, "financialtransaction/BankEntryLines")
        .into_iter()
        .filter(|b| (from..=to).contains(&day(&b["Date"])))
        .collect();
    assert!(expected.len() > 40);
    let lines = s
        .every_page(
            "get_bank_transactions",
            json!({ "division": 101, "from_date": "2026-01-01", "to_date": "2026-06-30", "limit": 40 }),
            "lines",
            &["id"],
        )
        .await;
    let ids: HashSet<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    let want: HashSet<&str> = expected.iter().map(|b| b["ID"].as_str().unwrap()).collect();
    assert_eq!(ids, want);
    assert_eq!(
        sum_cents(lines.iter().map(|l| cents(&l["amount"]))),
        sum_cents(expected.iter().map(|b| cents(&b["AmountDC"])))
    );
    // One bank account, read from its journal: the same money.
    let journal = s
        .every_page(
            "get_bank_transactions",
            json!({ "division": 101, "from_date": "2026-01-01", "to_date": "2026-06-30", "bank_account": "20", "limit": 500 }),
            "lines",
            &["id"],
        )
        .await;
    let mut a: Vec<i64> = journal.iter().map(|l| cents(&l["amount"])).collect();
    let mut b: Vec<i64> = expected.iter().map(|l| cents(&l["AmountDC"])).collect();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b);
    let unknown = s
        .refused(
            "get_bank_transactions",
            json!({ "division": 101, "bank_account": "70" }),
        )
        .await;
    assert!(unknown.contains("20 (Bank)"), "{unknown}");

    // get_cashflow_forecast: opening balance from the ledger, items by due date.
    let forecast = s
        .call(
            "get_cashflow_forecast",
            json!({ "division": 101, "forecast_days": 90 }),
        )
        .await;
    let cash = gl_codes(101, &[10, 12]);
    let opening = sum_cents(
        all(101, "financialtransaction/TransactionLines")
            .iter()
            .filter(|l| cash.contains(code(l)))
            .filter(|l| (int(&l["FinancialYear"]), int(&l["FinancialPeriod"])) <= (2026, 11))
            .map(|l| cents(&l["AmountDC"])),
    );
    assert_cents(&forecast["opening_balance"], opening, "opening balance");
    let due_within = |path: &str, overdue_only: bool| {
        sum_cents(
            all(101, path)
                .iter()
                .filter(|r| {
                    let due = day(&r["DueDate"]);
                    if overdue_only {
                        due < today()
                    } else {
                        due <= today() + 90
                    }
                })
                .map(|r| cents(&r["Amount"])),
        )
    };
    let inflow = due_within("read/financial/ReceivablesList", false);
    let outflow = due_within("read/financial/PayablesList", false);
    assert_cents(&forecast["expected_in"], inflow, "expected in");
    assert_cents(&forecast["expected_out"], outflow, "expected out");
    assert_cents(
        &forecast["overdue_in"],
        due_within("read/financial/ReceivablesList", true),
        "overdue in",
    );
    assert_cents(
        &forecast["closing_balance"],
        opening + inflow - outflow,
        "closing",
    );
    assert_eq!(forecast["weeks"].as_array().unwrap().len(), 13);
    let weeks = forecast["weeks"].as_array().unwrap();
    assert_eq!(weeks[0]["from"], json!("2026-11-22"));
    assert_eq!(weeks[12]["to"], json!("2027-02-19"));
    assert_cents(
        &weeks[12]["closing_balance"],
        opening + inflow - outflow,
        "last week",
    );
    let recent = sum_cents(
        all(101, "financialtransaction/BankEntryLines")
            .iter()
            .filter(|b| day(&b["Date"]) > today() - 90)
            .map(|b| cents(&b["AmountDC"])),
    );
    assert_cents(
        &forecast["bank_net_flow_last_90_days"],
        recent,
        "recent flow",
    );

    // get_aging_receivables and get_aging_payables: buckets by days past the due date.
    for (tool, division, path) in [
        (
            "get_aging_receivables",
            202,
            "read/financial/ReceivablesList",
        ),
        ("get_aging_payables", 404, "read/financial/PayablesList"),
    ] {
        let aging = s.call(tool, json!({ "division": division })).await;
        let items = all(division, path);
        let mut buckets = [0i64; 5];
        for i in &items {
            let late = today() - day(&i["DueDate"]);
            let b = match late {
                ..=0 => 0,
                1..=30 => 1,
                31..=60 => 2,
                61..=90 => 3,
                _ => 4,
            };
            buckets[b] += cents(&i["Amount"]);
        }
        let got: Vec<i64> = aging["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| cents(&b["amount"]))
            .collect();
        assert_eq!(got, buckets, "{tool}");
        assert!(
            buckets[0] > 0 && buckets[1..].iter().sum::<i64>() > 0,
            "{tool}: both"
        );
        let open = sum_cents(items.iter().map(|i| cents(&i["Amount"])));
        assert_cents(&aging["total_open"], open, tool);
        assert_eq!(got.iter().sum::<i64>(), open, "{tool}: buckets add up");
        assert_eq!(aging["count"], json!(items.len()));
        let per_account: i64 = aging["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| cents(&a["open"]))
            .sum();
        assert_eq!(per_account, open);
    }

    // get_aging_analysis: Exact's four age groups by the items' invoice dates.
    for (kind, division, path, grouped) in [
        ("receivables", 303, "read/financial/ReceivablesList", true),
        ("payables", 202, "read/financial/PayablesList", false),
    ] {
        let analysis = s
            .call(
                "get_aging_analysis",
                json!({ "division": division, "type": kind, "group_by_account": grouped }),
            )
            .await;
        let items = all(division, path);
        let mut groups = [0i64; 4];
        for i in &items {
            let age = today() - day(&i["InvoiceDate"]);
            groups[match age {
                ..=30 => 0,
                31..=60 => 1,
                61..=90 => 2,
                _ => 3,
            }] += cents(&i["Amount"]);
        }
        let got: Vec<i64> = analysis["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| cents(&g["amount"]))
            .collect();
        assert_eq!(got, groups, "{kind}");
        let open = sum_cents(items.iter().map(|i| cents(&i["Amount"])));
        assert_cents(&analysis["total"], open, kind);
        assert_eq!(
            got.iter().sum::<i64>(),
            open,
            "{kind}: groups add up to the open total"
        );
        let accounts: HashSet<&str> = items
            .iter()
            .map(|i| i["AccountId"].as_str().unwrap())
            .collect();
        assert_eq!(analysis["account_count"], json!(accounts.len()));
        if grouped {
            let listed = analysis["accounts"].as_array().unwrap();
            assert_eq!(listed.len(), accounts.len());
            for a in listed {
                let parts: i64 = a["groups"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|g| cents(&g["amount"]))
                    .sum();
                assert_eq!(parts, cents(&a["total"]));
            }
        } else {
            assert_eq!(analysis["accounts"], Value::Null);
        }
    }
}

#[tokio::test]
async fn ledger_report_tools_agree_with_the_books() {
    let mut s = Session::start().await;
    let lines_202 = all(202, "financialtransaction/TransactionLines");

    // get_trial_balance: balances in every period, and each account is its lines' sum.
    for period in 1..=12 {
        let tb = s
            .call(
                "get_trial_balance",
                json!({ "division": 202, "year": 2025, "period": period }),
            )
            .await;
        assert_eq!(tb["difference"], json!(0.0), "period {period}");
        assert_eq!(tb["total_debit"], tb["total_credit"], "period {period}");
        for l in tb["lines"].as_array().unwrap() {
            let own: Vec<&Value> = lines_202
                .iter()
                .filter(|t| code(t) == l["gl_account_code"].as_str().unwrap())
                .filter(|t| {
                    int(&t["FinancialYear"]) == 2025 && int(&t["FinancialPeriod"]) <= period
                })
                .collect();
            assert_cents(
                &l["balance"],
                sum_cents(own.iter().map(|t| cents(&t["AmountDC"]))),
                "balance",
            );
            assert_cents(
                &l["debit"],
                sum_cents(own.iter().map(|t| cents(&t["AmountDC"]).max(0))),
                "debit",
            );
        }
    }

    // get_revenue: the revenue accounts' credit per period, this year against last.
    let revenue_codes = gl_codes(101, &[110]);
    let lines_101 = all(101, "financialtransaction/TransactionLines");
    let revenue_of = |year: i64, period: i64| {
        -sum_cents(
            lines_101
                .iter()
                .filter(|l| revenue_codes.contains(code(l)))
                .filter(|l| {
                    int(&l["FinancialYear"]) == year && int(&l["FinancialPeriod"]) == period
                })
                .map(|l| cents(&l["AmountDC"])),
        )
    };
    let revenue = s
        .call(
            "get_revenue",
            json!({ "division": 101, "year": 2026, "compare_previous_year": true }),
        )
        .await;
    let periods = revenue["periods"].as_array().unwrap();
    assert_eq!(periods.len(), 12);
    for p in periods {
        let n = int(&p["period"]);
        assert_cents(&p["revenue"], revenue_of(2026, n), "revenue");
        assert_cents(&p["previous_year_revenue"], revenue_of(2025, n), "previous");
    }
    assert_cents(
        &revenue["total"],
        (1..=12).map(|p| revenue_of(2026, p)).sum(),
        "total",
    );
    let plain = s
        .call("get_revenue", json!({ "division": 101, "year": 2025 }))
        .await;
    assert_eq!(plain["previous_year_total"], Value::Null);

    // search_transactions: filters recomputed here over the lines.
    let found = s
        .every_page(
            "search_transactions",
            json!({
                "division": 101, "financial_year": 2025, "journal_type": "sales",
                "amount_type": "credit", "min_amount": 100, "max_amount": 2000, "limit": 30
            }),
            "lines",
            &["id"],
        )
        .await;
    let want: HashSet<&str> = lines_101
        .iter()
        .filter(|l| int(&l["FinancialYear"]) == 2025 && [20, 21].contains(&int(&l["Type"])))
        .filter(|l| (-200_000..=-10_000).contains(&cents(&l["AmountDC"])))
        .map(|l| l["ID"].as_str().unwrap())
        .collect();
    assert!(want.len() > 30, "several pages");
    let got: HashSet<&str> = found.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(got, want);
    let open = s
        .every_page(
            "search_transactions",
            json!({ "division": 101, "processed": false, "description_contains": "afschrijving" }),
            "lines",
            &["id"],
        )
        .await;
    let want = lines_101
        .iter()
        .filter(|l| int(&l["Status"]) == 20)
        .filter(|l| {
            l["Description"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("afschrijving")
        })
        .count();
    assert!(want > 0);
    assert_eq!(open.len(), want);
    assert!(open.iter().all(|l| l["processed"] == json!(false)));

    // get_vat_summary: the VAT accounts' movement, per quarter, period and year.
    let balance_101 = all(101, "financial/ReportingBalance");
    for (args, periods) in [
        (
            json!({ "division": 101, "year": 2025, "quarter": 2 }),
            4..=6,
        ),
        (json!({ "division": 101, "year": 2025, "period": 5 }), 5..=5),
        (json!({ "division": 101, "year": 2025 }), 1..=12),
    ] {
        let vat = s.call("get_vat_summary", args.clone()).await;
        let moved = |account: &str| {
            sum_cents(
                lines_101
                    .iter()
                    .filter(|l| code(l) == account && int(&l["FinancialYear"]) == 2025)
                    .filter(|l| periods.contains(&int(&l["FinancialPeriod"])))
                    .map(|l| cents(&l["AmountDC"])),
            )
        };
        let balance = |account: &str| {
            sum_cents(
                balance_101
                    .iter()
                    .filter(|b| code(b) == account && int(&b["ReportingYear"]) == 2025)
                    .filter(|b| periods.contains(&int(&b["ReportingPeriod"])))
                    .map(|b| cents(&b["Amount"])),
            )
        };
        assert_cents(&vat["total_output_vat"], -moved("1520"), "output");
        assert_cents(&vat["total_input_vat"], moved("1510"), "input");
        assert_eq!(moved("1520"), balance("1520"), "the accounts' movement");
        assert_cents(
            &vat["vat_payable"],
            -moved("1520") - moved("1510"),
            "payable",
        );
        let sales_base = -sum_cents(
            lines_101
                .iter()
                .filter(|l| int(&l["FinancialYear"]) == 2025)
                .filter(|l| periods.contains(&int(&l["FinancialPeriod"])))
                .filter(|l| l["VATCode"].is_string() && [20, 21].contains(&int(&l["Type"])))
                .filter(|l| !["1510", "1520"].contains(&code(l)))
                .map(|l| cents(&l["AmountDC"])),
        );
        let base: i64 = vat["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| cents(&c["sales_base"]))
            .sum();
        assert_eq!(base, sales_base, "{args}");
        let bakery = &vat["codes"][0];
        assert_eq!(bakery["vat_code"], json!("1"));
        assert_eq!(bakery["percentage"], json!(9.0));
    }

    // get_budget_comparison: the scenario's budget against the ledger, revenue shown positive.
    let budgets = all(303, "budget/Budgets");
    let balance_303 = all(303, "financial/ReportingBalance");
    let revenue_303 = gl_codes(303, &[110]);
    let pl_303 = profit_loss_codes(303);
    let cmp = s
        .call(
            "get_budget_comparison",
            json!({ "division": 303, "year": 2025, "period_from": 1, "period_to": 12 }),
        )
        .await;
    assert_eq!(cmp["scenario"], json!("BEGR (Begroting)"));
    let lines = cmp["lines"].as_array().unwrap();
    assert!(!lines.is_empty());
    for l in lines {
        let gl = l["gl_account_code"].as_str().unwrap();
        let sign = if revenue_303.contains(gl) { -1 } else { 1 };
        let budget = sum_cents(
            budgets
                .iter()
                .filter(|b| code(b) == gl && int(&b["ReportingYear"]) == 2025)
                .map(|b| cents(&b["AmountDC"])),
        );
        let actual = sum_cents(
            balance_303
                .iter()
                .filter(|b| code(b) == gl && int(&b["ReportingYear"]) == 2025)
                .map(|b| cents(&b["Amount"])),
        );
        assert!(pl_303.contains(gl));
        assert_cents(&l["budget"], sign * budget, gl);
        assert_cents(&l["actual"], sign * actual, gl);
        assert_cents(&l["variance"], sign * (actual - budget), gl);
    }
    let revenue_actual = -sum_cents(
        balance_303
            .iter()
            .filter(|b| revenue_303.contains(code(b)) && int(&b["ReportingYear"]) == 2025)
            .map(|b| cents(&b["Amount"])),
    );
    assert_cents(&cmp["revenue"]["actual"], revenue_actual, "revenue actual");

    // get_journal_entries: the memorial entries of 2026, four a page, with their lines.
    let headers = all(404, "generaljournalentry/GeneralJournalEntries");
    let entry_lines = all(404, "generaljournalentry/GeneralJournalEntryLines");
    let entries = s
        .every_page(
            "get_journal_entries",
            json!({ "division": 404, "financial_year": 2026, "limit": 4 }),
            "entries",
            &["id"],
        )
        .await;
    let want: HashSet<&str> = headers
        .iter()
        .filter(|h| int(&h["FinancialYear"]) == 2026)
        .map(|h| h["EntryID"].as_str().unwrap())
        .collect();
    assert_eq!(
        entries
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect::<HashSet<_>>(),
        want
    );
    for e in &entries {
        let own = entry_lines
            .iter()
            .filter(|l| l["EntryID"] == e["id"])
            .count();
        assert_eq!(e["lines"].as_array().unwrap().len(), own);
        assert_eq!(e["total_debit"], e["total_credit"], "an entry balances");
    }
    let drafts = s
        .call(
            "get_journal_entries",
            json!({ "division": 404, "status": "draft" }),
        )
        .await;
    assert_eq!(drafts["count"], json!(1));
    assert_eq!(drafts["entries"][0]["period"], json!(10));
    let equity = s
        .call(
            "get_journal_entries",
            json!({ "division": 404, "gl_account": "0500" }),
        )
        .await;
    assert_eq!(equity["count"], json!(1), "only the opening balance");
    let march = s
        .call(
            "get_journal_entries",
            json!({ "division": 404, "from_date": "2026-03-01", "to_date": "2026-03-31" }),
        )
        .await;
    assert_eq!(march["count"], json!(1));
    assert_eq!(march["entries"][0]["date"], json!("2026-03-31"));
}

#[tokio::test]
async fn reference_cost_centre_and_asset_tools_agree_with_the_books() {
    let mut s = Session::start().await;

    // get_currencies and get_currency_rates.
    let every = s.call("get_currencies", json!({ "division": 202 })).await;
    assert_eq!(every["count"], json!(all(202, "general/Currencies").len()));
    let rates = all(202, "financial/ExchangeRates");
    let used: HashSet<&str> = rates
        .iter()
        .flat_map(|r| {
            [
                r["SourceCurrency"].as_str().unwrap(),
                r["TargetCurrency"].as_str().unwrap(),
            ]
        })
        .collect();
    let active = s
        .call(
            "get_currencies",
            json!({ "division": 202, "active_only": true }),
        )
        .await;
    let codes: HashSet<&str> = active["currencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, used);
    assert!(codes.len() < every["count"].as_u64().unwrap() as usize);
    let usd = s
        .every_page(
            "get_currency_rates",
            json!({ "division": 202, "source": "usd", "date_from": "2026-01-01", "limit": 4 }),
            "rates",
            &["id"],
        )
        .await;
    let want: BTreeMap<&str, i64> = rates
        .iter()
        .filter(|r| {
            r["SourceCurrency"] == "USD"
                && day(&r["StartDate"]) >= demo_books::days_from_civil(2026, 1, 1)
        })
        .map(|r| {
            (
                r["ID"].as_str().unwrap(),
                (r["Rate"].as_f64().unwrap() * 1e6).round() as i64,
            )
        })
        .collect();
    let got: BTreeMap<&str, i64> = usd
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap(),
                (r["rate"].as_f64().unwrap() * 1e6).round() as i64,
            )
        })
        .collect();
    assert_eq!(got, want);
    assert_eq!(got.len(), 11);

    // get_cost_centers: the closed one only on request.
    let centres = all(101, "hrm/Costcenters");
    let open = s.call("get_cost_centers", json!({ "division": 101 })).await;
    let in_use = centres
        .iter()
        .filter(|c| c["EndDate"].is_null() || day(&c["EndDate"]) > today())
        .count();
    assert_eq!(open["count"], json!(in_use));
    assert!(in_use < centres.len());
    let every = s
        .call(
            "get_cost_centers",
            json!({ "division": 101, "active_only": false, "limit": 2 }),
        )
        .await;
    assert_eq!(every["has_more"], json!(true));
    let found = s
        .call(
            "get_cost_centers",
            json!({ "division": 101, "search": "algemeen" }),
        )
        .await;
    assert_eq!(found["count"], json!(1));

    // get_cost_center_report: each centre's result from its profit-and-loss lines.
    let report = s
        .call(
            "get_cost_center_report",
            json!({ "division": 202, "year": 2025, "period_from": 1, "period_to": 12 }),
        )
        .await;
    let revenue = gl_codes(202, &[110]);
    let pl = profit_loss_codes(202);
    let mut results: BTreeMap<String, i64> = BTreeMap::new();
    for l in all(202, "financialtransaction/TransactionLines") {
        if pl.contains(code(&l)) && int(&l["FinancialYear"]) == 2025 {
            // Revenue is a credit (negative): the result is minus every P&L line.
            *results
                .entry(l["CostCenter"].as_str().unwrap().to_string())
                .or_default() -= cents(&l["AmountDC"]);
        }
    }
    let got: BTreeMap<String, i64> = report["cost_centers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["cost_center_code"].as_str().unwrap().to_string(),
                cents(&c["result"]),
            )
        })
        .collect();
    assert_eq!(got, results);
    for c in report["cost_centers"].as_array().unwrap() {
        let rev: i64 = c["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| revenue.contains(a["gl_account_code"].as_str().unwrap()))
            .map(|a| cents(&a["amount"]))
            .sum();
        assert_eq!(cents(&c["revenue"]), rev);
    }
    let pnl = s
        .call("get_profit_loss", json!({ "division": 202, "year": 2025 }))
        .await;
    assert_cents(
        &pnl["result"],
        results.values().sum(),
        "centres add up to the P&L",
    );
    let one = s
        .call(
            "get_cost_center_report",
            json!({ "division": 202, "year": 2025, "cost_center_code": "100" }),
        )
        .await;
    assert_eq!(one["cost_centers"].as_array().unwrap().len(), 1);

    // get_fixed_assets: by status, page by page.
    let assets = all(404, "assets/Assets");
    let listed = s
        .every_page(
            "get_fixed_assets",
            json!({ "division": 404, "status": "all", "limit": 3 }),
            "assets",
            &["id"],
        )
        .await;
    assert_eq!(listed.len(), assets.len());
    let owned = s.call("get_fixed_assets", json!({ "division": 404 })).await;
    let want = assets
        .iter()
        .filter(|a| [1, 4].contains(&int(&a["Status"])))
        .count();
    assert_eq!(owned["count"], json!(want));
    let sold = s
        .call(
            "get_fixed_assets",
            json!({ "division": 404, "status": "sold" }),
        )
        .await;
    assert!(
        sold["assets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["status"] == "sold")
    );
    assert_eq!(sold["count"], json!(1));

    // get_depreciation_schedule: the plan recomputed here from each asset and its method, and
    // the posted depreciation from the ledger's type-70 lines.
    let methods = all(404, "assets/DepreciationMethods");
    let lines = all(404, "financialtransaction/TransactionLines");
    let schedule = s
        .every_page(
            "get_depreciation_schedule",
            json!({ "division": 404, "year": 2026, "limit": 12 }),
            "rows",
            &["asset_id", "period"],
        )
        .await;
    let mut expected_rows = 0;
    for a in &assets {
        let method = methods
            .iter()
            .find(|m| m["ID"] == a["PrimaryMethod"])
            .unwrap();
        let months = int(&method["Periods"]);
        let total = cents(&a["InvestmentAmountDC"]) - cents(&a["ResidualValue"]);
        let start = demo_books::civil_from_days(day(&a["StartDate"]));
        for period in 1..=12i64 {
            let k = (2026 - start.0) * 12 + period - i64::from(start.1);
            let planned = match k {
                k if k < 0 || k >= months => 0,
                k if k == months - 1 => total - total / months * (months - 1),
                _ => total / months,
            };
            let posted = sum_cents(
                lines
                    .iter()
                    .filter(|l| int(&l["Type"]) == 70 && code(l) == "4600" && l["Asset"] == a["ID"])
                    .filter(|l| {
                        int(&l["FinancialYear"]) == 2026 && int(&l["FinancialPeriod"]) == period
                    })
                    .map(|l| cents(&l["AmountDC"])),
            );
            let row = schedule
                .iter()
                .find(|r| r["asset_id"] == a["ID"] && int(&r["period"]) == period);
            if planned == 0 && posted == 0 {
                assert!(row.is_none());
                continue;
            }
            expected_rows += 1;
            let row = row.unwrap();
            assert_cents(&row["planned"], planned, "planned");
            assert_cents(&row["posted"], posted, "posted");
            if period <= 10 && int(&a["Status"]) == 1 {
                assert_eq!(planned, posted, "the ledger follows the plan");
            }
        }
    }
    assert_eq!(schedule.len(), expected_rows);
    let first = assets.iter().find(|a| int(&a["Status"]) == 1).unwrap();
    let single = s
        .call(
            "get_depreciation_schedule",
            json!({ "division": 404, "year": 2026, "asset_id": first["ID"] }),
        )
        .await;
    assert_eq!(single["count"], json!(12));
    assert!(
        single["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["asset_id"] == first["ID"])
    );
}

#[tokio::test]
async fn a_bad_argument_of_each_kind_is_refused_before_exact_is_asked() {
    let mut s = Session::start().await;
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "get_bank_transactions",
            json!({ "from_date": "2026-13-01" }),
            "from_date",
        ),
        (
            "get_bank_transactions",
            json!({ "from_date": "2026-02-01", "to_date": "2026-01-01" }),
            "swap",
        ),
        ("get_bank_transactions", json!({ "limit": 0 }), "limit"),
        (
            "get_bank_transactions",
            json!({ "bank_account": "x\u{7}" }),
            "control",
        ),
        (
            "get_bank_transactions",
            json!({ "cursor": "not-a-cursor" }),
            "cursor",
        ),
        ("get_bank_transactions", json!({ "division": 999 }), "999"),
        ("get_trial_balance", json!({ "period": 14 }), "period"),
        ("get_trial_balance", json!({ "year": 1800 }), "year"),
        (
            "get_cashflow_forecast",
            json!({ "forecast_days": 45 }),
            "30, 60 or 90",
        ),
        ("get_revenue", json!({ "year": "2025" }), "invalid type"),
        ("get_aging_analysis", json!({ "type": "both" }), "variant"),
        (
            "get_aging_receivables",
            json!({ "limit": 5 }),
            "unknown field",
        ),
        (
            "get_aging_payables",
            json!({ "division": "x" }),
            "invalid type",
        ),
        (
            "search_transactions",
            json!({ "min_amount": 10, "max_amount": 5 }),
            "swap",
        ),
        (
            "search_transactions",
            json!({ "min_amount": -1 }),
            "min_amount",
        ),
        (
            "search_transactions",
            json!({ "journal_type": "payroll" }),
            "variant",
        ),
        ("search_transactions", json!({ "limit": 1001 }), "limit"),
        (
            "get_vat_summary",
            json!({ "period": 2, "quarter": 1 }),
            "not both",
        ),
        ("get_vat_summary", json!({ "quarter": 5 }), "quarter"),
        (
            "get_budget_comparison",
            json!({ "period_from": 6, "period_to": 2 }),
            "swap",
        ),
        (
            "get_journal_entries",
            json!({ "status": "posted" }),
            "variant",
        ),
        (
            "get_journal_entries",
            json!({ "financial_period": 0 }),
            "period",
        ),
        ("get_currencies", json!({ "active_only": "yes" }), "boolean"),
        (
            "get_currency_rates",
            json!({ "source": "dollar" }),
            "currency code",
        ),
        (
            "get_currency_rates",
            json!({ "date_from": "2026-05-01", "date_to": "2026-04-01" }),
            "`date_from` is after `date_to`",
        ),
        (
            "get_cost_centers",
            json!({ "search": "" , "limit": 600 }),
            "limit",
        ),
        (
            "get_cost_center_report",
            json!({ "period_from": 0 }),
            "period_from",
        ),
        ("get_fixed_assets", json!({ "status": "broken" }), "variant"),
        (
            "get_depreciation_schedule",
            json!({ "asset_id": "not-a-guid" }),
            "asset_id",
        ),
        (
            "get_depreciation_schedule",
            json!({ "limit": 1001 }),
            "limit",
        ),
    ];
    let tools: HashSet<&str> = cases.iter().map(|c| c.0).collect();
    assert_eq!(
        tools.len(),
        NEW_TOOLS.len(),
        "every new tool has a bad-argument case"
    );
    for (tool, args, says) in cases {
        sim_control(&s.app, "reset-log").await;
        let message = s.refused(tool, args.clone()).await;
        assert!(message.contains(says), "{tool} {args}: {message}");
        assert!(
            sim_requests(&s.app).await.is_empty(),
            "{tool} {args}: no Exact request"
        );
    }
}

#[tokio::test]
async fn no_call_passes_the_request_cap_on_the_largest_company() {
    let mut s = Session::start().await;
    // The largest demo company: the most transaction lines.
    let largest = demo_books::COMPANIES
        .iter()
        .map(|c| c.division)
        .max_by_key(|d| all(*d, "financialtransaction/TransactionLines").len())
        .unwrap();
    let broad: Vec<(&str, Value)> = vec![
        ("get_bank_transactions", json!({ "limit": 500 })),
        ("get_trial_balance", json!({ "year": 2026, "period": 12 })),
        ("get_cashflow_forecast", json!({ "forecast_days": 90 })),
        (
            "get_revenue",
            json!({ "year": 2026, "compare_previous_year": true }),
        ),
        ("get_aging_analysis", json!({ "group_by_account": true })),
        ("get_aging_receivables", json!({})),
        ("get_aging_payables", json!({})),
        ("search_transactions", json!({ "limit": 1000 })),
        ("get_vat_summary", json!({ "year": 2025 })),
        (
            "get_budget_comparison",
            json!({ "year": 2025, "period_to": 12 }),
        ),
        ("get_journal_entries", json!({ "limit": 500 })),
        ("get_currencies", json!({})),
        ("get_currency_rates", json!({ "limit": 500 })),
        ("get_cost_centers", json!({ "active_only": false })),
        (
            "get_cost_center_report",
            json!({ "year": 2025, "period_to": 12 }),
        ),
        ("get_fixed_assets", json!({ "status": "all" })),
        (
            "get_depreciation_schedule",
            json!({ "year": 2026, "limit": 1000 }),
        ),
    ];
    assert_eq!(broad.len(), NEW_TOOLS.len());
    // At Exact's page size and at pages of 3 rows (a ledger twenty times larger).
    let mut cut = 0;
    for rows in [60, 3] {
        sim_control(&s.app, &format!("page-size?rows={rows}")).await;
        for (tool, args) in &broad {
            let mut args = args.clone();
            args["division"] = json!(largest);
            sim_control(&s.app, "reset-log").await;
            s.pace();
            let result = call(&s.client, tool, args.clone()).await;
            let made = sim_requests(&s.app).await.len();
            assert!(
                made <= MAX_REQUESTS_PER_CALL,
                "{tool} at {rows} rows a page: {made} requests"
            );
            let value = data(&result);
            if value["truncated"] == json!(true) {
                // Stopped by the cap: the result says so and how to narrow it.
                assert_eq!(made, MAX_REQUESTS_PER_CALL, "{tool}: cut only by the cap");
                assert!(
                    value["notice"]
                        .as_str()
                        .unwrap()
                        .contains("Narrow the query")
                );
                cut += 1;
            }
        }
    }
    assert!(
        cut >= 5,
        "at pages of 3 rows most calls reach the cap ({cut})"
    );
}

#[tokio::test]
async fn demo_keys_answer_every_new_tool_with_data_for_each_company() {
    let app = TestApp::spawn().await;
    // The landing page counts what tools/list offers.
    let landing = app
        .client
        .get(app.at("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        landing.contains(&format!("{TOOL_COUNT} read-only tools")),
        "the landing page's tool count"
    );
    let mut s = Session::demo(app).await;
    // What "with data" means per tool: a list with rows, or a figure that is not zero.
    let has_data = |tool: &str, v: &Value| -> bool {
        let rows = |f: &str| v[f].as_array().is_some_and(|a| !a.is_empty());
        match tool {
            "get_bank_transactions" | "search_transactions" => rows("lines"),
            "get_trial_balance" => rows("lines") && v["total_debit"].as_f64() > Some(0.0),
            "get_cashflow_forecast" => v["opening_balance"].as_f64() != Some(0.0) && rows("weeks"),
            "get_revenue" => v["total"].as_f64() > Some(0.0),
            "get_aging_analysis" => v["total"].as_f64() > Some(0.0),
            "get_aging_receivables" | "get_aging_payables" => v["total_open"].as_f64() > Some(0.0),
            "get_vat_summary" => v["total_output_vat"].as_f64() > Some(0.0),
            "get_budget_comparison" => rows("lines") && v["revenue"]["budget"].as_f64() > Some(0.0),
            "get_journal_entries" => rows("entries"),
            "get_currencies" => rows("currencies"),
            "get_currency_rates" => rows("rates"),
            "get_cost_centers" => rows("cost_centers"),
            "get_cost_center_report" => {
                rows("cost_centers") && v["total_revenue"].as_f64() > Some(0.0)
            }
            "get_fixed_assets" => rows("assets"),
            "get_depreciation_schedule" => rows("rows"),
            other => panic!("{other}"),
        }
    };
    for company in demo_books::COMPANIES {
        for tool in NEW_TOOLS {
            let v = s.call(tool, json!({ "division": company.division })).await;
            assert_eq!(v["division"], json!(company.division));
            assert!(has_data(tool, &v), "{tool} for {}: {v}", company.name);
        }
    }
    // In process: the demo never called the simulator.
    assert!(sim_requests(&s.app).await.is_empty());
    assert_eq!(s.schemas.len(), TOOL_COUNT, "tools/list");
}

#[tokio::test]
async fn a_licence_without_a_module_is_said_plainly_and_the_rest_still_works() {
    let mut s = Session::start().await;
    sim_control(&s.app, "module-off?division=101&module=Fixed%20assets").await;
    sim_control(&s.app, "module-off?division=303&module=Budgets").await;
    for (tool, division, module) in [
        ("get_fixed_assets", 101, "Fixed assets module"),
        ("get_depreciation_schedule", 101, "Fixed assets module"),
        ("get_budget_comparison", 303, "Budgets module"),
    ] {
        // An ordinary answer that says so, not an error.
        let v = s.call(tool, json!({ "division": division })).await;
        let message = v["unavailable"].as_str().unwrap();
        assert!(message.contains(module), "{tool}: {message}");
        assert!(message.contains("licence"), "{message}");
        assert!(!message.contains("Forbidden"), "no raw status: {message}");
        assert_eq!(v["division"], json!(division));
    }
    // Other administrations and other tools are unaffected.
    s.call("get_fixed_assets", json!({ "division": 202 })).await;
    s.call("get_trial_balance", json!({ "division": 101 }))
        .await;
    s.call("get_budget_comparison", json!({ "division": 101 }))
        .await;
}

#[tokio::test]
async fn exact_ages_its_lists_on_its_clock_and_our_buckets_use_ours() {
    let mut s = Session::start().await;
    let ours = s
        .call("get_aging_receivables", json!({ "division": 101 }))
        .await;
    let exacts = s
        .call("get_aging_analysis", json!({ "division": 101 }))
        .await;
    // Exact's clock runs three weeks ahead of ours.
    sim_control(&s.app, "advance?seconds=1814400").await;
    let ours_later = s
        .call("get_aging_receivables", json!({ "division": 101 }))
        .await;
    let exacts_later = s
        .call("get_aging_analysis", json!({ "division": 101 }))
        .await;
    assert_eq!(ours["buckets"], ours_later["buckets"], "our rule, our day");
    assert_eq!(ours["as_of"], json!("2026-11-21"));
    assert_ne!(
        exacts["groups"], exacts_later["groups"],
        "Exact's rule, Exact's day"
    );
    assert_eq!(exacts["total"], exacts_later["total"]);
    let first = |v: &Value| cents(&v["groups"][0]["amount"]);
    assert!(
        first(&exacts_later) < first(&exacts),
        "items moved to older groups"
    );
}
