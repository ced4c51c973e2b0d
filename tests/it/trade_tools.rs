//! The order, quotation, project, CRM, contract and document tools of issue 19 end to end, like
//! `finance_tools`: results against the output schemas, figures recomputed here from the
//! simulator's rows, paging that returns every row once, modules a licence lacks answered
//! plainly, bad arguments refused before Exact is asked, the request cap, files read only from
//! Exact's own site within the size cap, and demo keys for every company.
use super::tool_session::{Session, all, cents, day, int, today};
use base64::Engine;
use exact_mcp::server::mcp::source::MAX_REQUESTS_PER_CALL;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use test_kit::{
    TestApp,
    mcp::{call, data, sim_control, sim_requests},
};

const TOOLS: [&str; 14] = [
    "get_sales_orders",
    "get_purchase_orders",
    "get_quotations",
    "get_projects",
    "get_time_transactions",
    "get_project_invoices",
    "get_wip_overview",
    "get_document_attachments",
    "get_document_content",
    "get_opportunities",
    "get_sales_funnel",
    "get_sales_contracts",
    "get_purchase_contracts",
    "get_recurring_revenue",
];

/// The names in ../shared/tool-catalogue.md, in its order (`mcp` checks tools/list against it).
pub const CATALOGUE: [&str; 47] = [
    "list_divisions",
    "get_relations",
    "search_relations",
    "get_sales_invoices",
    "get_purchase_invoices",
    "get_outstanding_invoices",
    "get_bank_transactions",
    "get_gl_accounts",
    "get_trial_balance",
    "get_cashflow_forecast",
    "get_profit_loss",
    "get_revenue",
    "get_aging_analysis",
    "get_aging_receivables",
    "get_aging_payables",
    "get_transactions",
    "search_transactions",
    "get_vat_summary",
    "get_budget_comparison",
    "get_journal_entries",
    "get_sales_orders",
    "get_purchase_orders",
    "get_quotations",
    "get_items",
    "get_stock_positions",
    "get_projects",
    "get_time_transactions",
    "get_project_invoices",
    "get_wip_overview",
    "get_currencies",
    "get_currency_rates",
    "get_cost_centers",
    "get_cost_center_report",
    "get_fixed_assets",
    "get_depreciation_schedule",
    "get_document_attachments",
    "get_document_content",
    "get_opportunities",
    "get_sales_funnel",
    "get_sales_contracts",
    "get_purchase_contracts",
    "get_recurring_revenue",
    "get_sales_prices",
    "get_purchase_prices",
    "get_margin_analysis",
    "get_customer_360",
    "get_financial_snapshot",
];

fn id(v: &Value) -> String {
    v.as_str().unwrap().to_lowercase()
}

fn rows_where<'a>(rows: &'a [Value], field: &str, value: &Value) -> Vec<&'a Value> {
    rows.iter().filter(|r| &r[field] == value).collect()
}

#[tokio::test]
async fn orders_and_quotations_agree_with_the_books() {
    let mut s = Session::start().await;

    // Every sales order once, with its lines summing to the amount excluding VAT.
    let orders = all(202, "salesorder/SalesOrders");
    let lines = all(202, "salesorder/SalesOrderLines");
    let got = s
        .every_page(
            "get_sales_orders",
            json!({ "division": 202, "limit": 7, "include_lines": true }),
            "orders",
            &["id"],
        )
        .await;
    assert_eq!(got.len(), orders.len());
    for o in &got {
        let row = orders
            .iter()
            .find(|r| id(&r["OrderID"]) == id(&o["id"]))
            .unwrap();
        assert_eq!(cents(&o["amount"]), cents(&row["AmountDC"]));
        let own = rows_where(&lines, "OrderID", &row["OrderID"]);
        assert_eq!(o["lines"].as_array().unwrap().len(), own.len());
        let sum: i64 = o["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| cents(&l["amount"]))
            .sum();
        assert_eq!(sum, cents(&o["amount_excl_vat"]));
        let word = match int(&row["Status"]) {
            12 => "open",
            20 => "partial",
            21 => "complete",
            _ => "canceled",
        };
        assert_eq!(o["status"], word);
    }
    // A status and a customer narrow it; lines only when asked.
    let complete = s
        .call(
            "get_sales_orders",
            json!({ "division": 202, "status": "complete", "limit": 200 }),
        )
        .await;
    assert_eq!(
        complete["count"],
        orders.iter().filter(|o| o["Status"] == 21).count()
    );
    assert!(complete["orders"][0]["lines"].is_null());
    let customer = &orders[0]["OrderedBy"];
    let theirs = s
        .call(
            "get_sales_orders",
            json!({ "division": 202, "customer_id": customer, "limit": 200 }),
        )
        .await;
    assert_eq!(
        theirs["count"],
        rows_where(&orders, "OrderedBy", customer).len()
    );

    // Open purchase orders of the builder: nothing received yet.
    let purchases = all(404, "purchaseorder/PurchaseOrders");
    let open = s
        .call(
            "get_purchase_orders",
            json!({ "division": 404, "status": "open", "include_lines": true, "limit": 200 }),
        )
        .await;
    let want: Vec<&Value> = purchases
        .iter()
        .filter(|p| p["OrderStatus"] == 10)
        .collect();
    assert_eq!(open["count"], want.len());
    let total: i64 = want.iter().map(|p| cents(&p["AmountDC"])).sum();
    assert_eq!(cents(&open["total_amount"]), total);
    for o in open["orders"].as_array().unwrap() {
        assert!(o["amount_excl_vat"].is_null());
        for l in o["lines"].as_array().unwrap() {
            assert_eq!(l["quantity_delivered"], 0.0);
        }
    }

    // Quotations: the current versions by default, the earlier ones as "reviewed".
    let quotes = all(303, "crm/Quotations");
    let current = s
        .every_page(
            "get_quotations",
            json!({ "division": 303, "limit": 10 }),
            "quotations",
            &["id"],
        )
        .await;
    assert_eq!(
        current.len(),
        quotes.iter().filter(|q| q["Status"] != 6).count()
    );
    let reviewed = s
        .call(
            "get_quotations",
            json!({ "division": 303, "status": "reviewed" }),
        )
        .await;
    assert!(int(&reviewed["count"]) > 0);
    assert_eq!(
        reviewed["count"],
        quotes.iter().filter(|q| q["Status"] == 6).count()
    );
    let accepted = s
        .call(
            "get_quotations",
            json!({ "division": 303, "status": "accepted" }),
        )
        .await;
    let want: i64 = quotes
        .iter()
        .filter(|q| q["Status"] == 50)
        .map(|q| cents(&q["AmountDC"]) - cents(&q["VATAmountFC"]))
        .sum();
    assert_eq!(cents(&accepted["total_excl_vat"]), want);
    let sent = s
        .call(
            "get_quotations",
            json!({ "division": 303, "status": "sent" }),
        )
        .await;
    for q in sent["quotations"].as_array().unwrap() {
        assert!([25, 35, 40, 60].contains(&int(&q["exact_status"])));
    }
}

#[tokio::test]
async fn projects_hours_terms_and_work_in_progress_recomputed() {
    let mut s = Session::start().await;
    let projects = all(303, "project/Projects");
    let hours = all(303, "project/TimeTransactions");
    let terms = all(303, "project/InvoiceTerms");

    let every = s
        .every_page(
            "get_projects",
            json!({ "division": 303, "status": "all", "limit": 5 }),
            "projects",
            &["id"],
        )
        .await;
    assert_eq!(every.len(), projects.len());
    let active = s.call("get_projects", json!({ "division": 303 })).await;
    let want = projects
        .iter()
        .filter(|p| {
            day(&p["StartDate"]) <= today()
                && (p["EndDate"].is_null() || day(&p["EndDate"]) >= today())
        })
        .count();
    assert_eq!(active["count"], want);
    let ended = s
        .call(
            "get_projects",
            json!({ "division": 303, "status": "completed" }),
        )
        .await;
    for p in ended["projects"].as_array().unwrap() {
        assert_eq!(p["status"], "completed");
    }

    // One project's hours, all and final only.
    let busiest = projects
        .iter()
        .max_by_key(|p| rows_where(&hours, "Project", &p["ID"]).len())
        .unwrap();
    let own = rows_where(&hours, "Project", &busiest["ID"]);
    let got = s
        .every_page(
            "get_time_transactions",
            json!({ "division": 303, "project_id": busiest["ID"], "limit": 4 }),
            "entries",
            &["id"],
        )
        .await;
    assert_eq!(got.len(), own.len());
    let final_hours = s
        .call(
            "get_time_transactions",
            json!({ "division": 303, "project_id": busiest["ID"], "status": "final" }),
        )
        .await;
    let finals: Vec<&&Value> = own.iter().filter(|h| h["HourStatus"] == 20).collect();
    assert_eq!(final_hours["count"], finals.len());
    let sum: f64 = finals.iter().map(|h| h["Quantity"].as_f64().unwrap()).sum();
    assert_eq!(final_hours["total_hours"].as_f64().unwrap(), sum);

    // A customer's invoice terms.
    let account = &projects
        .iter()
        .find(|p| p["Type"] == 2)
        .unwrap_or(&projects[0])["Account"];
    let theirs: HashSet<String> = rows_where(&projects, "Account", account)
        .iter()
        .map(|p| id(&p["ID"]))
        .collect();
    let got = s
        .call(
            "get_project_invoices",
            json!({ "division": 303, "account_id": account }),
        )
        .await;
    let want: Vec<&Value> = terms
        .iter()
        .filter(|t| theirs.contains(&id(&t["Project"])))
        .collect();
    assert_eq!(got["count"], want.len());
    let invoiced: i64 = want
        .iter()
        .filter(|t| t["InvoiceStatus"] == 50)
        .map(|t| cents(&t["Amount"]))
        .sum();
    assert_eq!(cents(&got["total_invoiced"]), invoiced);

    // Work in progress: final hours' value minus processed terms, per project.
    let wip = s
        .call(
            "get_wip_overview",
            json!({ "division": 303, "status": "all", "limit": 200 }),
        )
        .await;
    assert_eq!(wip["count"], projects.len());
    let mut total = 0;
    for w in wip["projects"].as_array().unwrap() {
        let pid = json!(w["project_id"].as_str().unwrap());
        let p = projects.iter().find(|p| id(&p["ID"]) == id(&pid)).unwrap();
        let realised: i64 = hours
            .iter()
            .filter(|h| id(&h["Project"]) == id(&pid) && h["HourStatus"] == 20)
            .map(|h| cents(&h["AmountFC"]))
            .sum();
        let billed: i64 = terms
            .iter()
            .filter(|t| id(&t["Project"]) == id(&pid) && t["InvoiceStatus"] == 50)
            .map(|t| cents(&t["Amount"]))
            .sum();
        assert_eq!(cents(&w["realised"]), realised);
        assert_eq!(cents(&w["invoiced"]), billed);
        let billable = p["Type"] != 4;
        assert_eq!(w["billable"], billable);
        let expected = if billable { realised - billed } else { 0 };
        assert_eq!(cents(&w["work_in_progress"]), expected);
        total += expected;
    }
    assert_eq!(cents(&wip["total_work_in_progress"]), total);

    // The bakery's licence has no projects: an ordinary answer that says so.
    for tool in [
        "get_projects",
        "get_time_transactions",
        "get_project_invoices",
        "get_wip_overview",
    ] {
        let v = s.call(tool, json!({ "division": 101 })).await;
        let said = v["unavailable"].as_str().unwrap();
        assert!(said.contains("Projects module"), "{tool}: {said}");
        assert_eq!(v["count"], 0);
    }
}

#[tokio::test]
async fn opportunities_funnel_and_contracts_recomputed() {
    let mut s = Session::start().await;
    let opps = all(202, "crm/Opportunities");
    let open = s
        .call(
            "get_opportunities",
            json!({ "division": 202, "status": "open" }),
        )
        .await;
    let want: Vec<&Value> = opps
        .iter()
        .filter(|o| o["OpportunityStatus"] == 1)
        .collect();
    assert_eq!(open["count"], want.len());
    let weighted: f64 = want
        .iter()
        .map(|o| o["AmountDC"].as_f64().unwrap() * o["Probability"].as_f64().unwrap())
        .sum();
    assert!((open["total_weighted"].as_f64().unwrap() - weighted).abs() < 0.05);
    let owner = &opps[0]["Owner"];
    let theirs = s
        .call(
            "get_opportunities",
            json!({ "division": 202, "owner_id": owner, "limit": 500 }),
        )
        .await;
    assert_eq!(theirs["count"], rows_where(&opps, "Owner", owner).len());

    let funnel = s.call("get_sales_funnel", json!({ "division": 202 })).await;
    let mut per_stage: HashMap<String, (usize, i64)> = HashMap::new();
    for o in &want {
        let e = per_stage
            .entry(
                o["OpportunityStageDescription"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
            .or_default();
        e.0 += 1;
        e.1 += cents(&o["AmountDC"]);
    }
    let stages = funnel["stages"].as_array().unwrap();
    assert_eq!(stages.len(), per_stage.len());
    for st in stages {
        let (count, amount) = per_stage[st["stage"].as_str().unwrap()];
        assert_eq!(st["count"], count);
        assert_eq!(cents(&st["amount"]), amount);
    }
    let probabilities: Vec<f64> = stages
        .iter()
        .map(|s| s["average_probability_percent"].as_f64().unwrap())
        .collect();
    assert!(probabilities.is_sorted(), "lowest stage first");
    let won = opps.iter().filter(|o| o["OpportunityStatus"] == 2).count();
    let lost = opps.iter().filter(|o| o["OpportunityStatus"] == 3).count();
    assert_eq!(funnel["won"]["count"], won);
    let rate = (won as f64 / (won + lost) as f64 * 1000.0).round() / 10.0;
    assert_eq!(funnel["win_rate_percent"].as_f64().unwrap(), rate);

    // MRR by the documented rule, from the rows: active subscriptions, lines in force, the
    // amount per invoice period over the period's months.
    let subs = all(202, "subscription/Subscriptions");
    let lines = all(202, "subscription/SubscriptionLines");
    let types = all(202, "subscription/SubscriptionTypes");
    let months = |type_id: &Value| {
        let t = types.iter().find(|t| id(&t["ID"]) == id(type_id)).unwrap();
        let per = match t["InvoicePeriodUnit"].as_str().unwrap() {
            "mm" => 1.0,
            "qt" => 3.0,
            "yy" => 12.0,
            u => panic!("{u}"),
        };
        per * t["InvoicePeriod"].as_f64().unwrap()
    };
    let active = |sub: &Value| {
        day(&sub["StartDate"]) <= today()
            && (sub["EndDate"].is_null() || day(&sub["EndDate"]) >= today())
            && (sub["CancellationDate"].is_null() || day(&sub["CancellationDate"]) > today())
    };
    let mut mrr = 0.0;
    let mut monthly_of: HashMap<String, f64> = HashMap::new();
    for sub in subs.iter().filter(|s| active(s)) {
        let m: f64 = rows_where(&lines, "EntryID", &sub["EntryID"])
            .iter()
            .filter(|l| {
                day(&l["FromDate"]) <= today()
                    && (l["ToDate"].is_null() || day(&l["ToDate"]) >= today())
            })
            .map(|l| l["AmountDC"].as_f64().unwrap() / months(&sub["SubscriptionType"]))
            .sum();
        monthly_of.insert(id(&sub["EntryID"]), m);
        mrr += m;
    }
    assert!(mrr > 0.0);
    let recurring = s
        .call("get_recurring_revenue", json!({ "division": 202 }))
        .await;
    assert!(
        (recurring["mrr"].as_f64().unwrap() - mrr).abs() < 0.01,
        "{recurring}"
    );
    assert!((recurring["arr"].as_f64().unwrap() - mrr * 12.0).abs() < 0.12);
    assert_eq!(recurring["active_subscriptions"], monthly_of.len());
    assert!(recurring["unavailable"].is_null());
    let contracts = s
        .every_page(
            "get_sales_contracts",
            json!({ "division": 202, "limit": 4 }),
            "contracts",
            &["id"],
        )
        .await;
    assert_eq!(contracts.len(), monthly_of.len());
    for c in &contracts {
        let want = monthly_of[&id(&c["id"])];
        assert!((c["monthly_value"].as_f64().unwrap() - want).abs() < 0.006);
        assert_eq!(c["status"], "active");
    }
    let every = s
        .call(
            "get_sales_contracts",
            json!({ "division": 202, "active_only": false, "limit": 200 }),
        )
        .await;
    assert_eq!(every["count"], subs.len());

    // The builder's licence has no subscriptions.
    for tool in ["get_sales_contracts", "get_recurring_revenue"] {
        let v = s.call(tool, json!({ "division": 404 })).await;
        assert!(
            v["unavailable"]
                .as_str()
                .unwrap()
                .contains("Subscriptions module")
        );
    }

    // Purchase contracts: each supplier's orders, cancelled ones left out.
    let purchases = all(404, "purchaseorder/PurchaseOrders");
    let agreements = s
        .call(
            "get_purchase_contracts",
            json!({ "division": 404, "active_only": false, "limit": 200 }),
        )
        .await;
    for a in agreements["suppliers"].as_array().unwrap() {
        let own: Vec<&Value> = purchases
            .iter()
            .filter(|p| id(&p["Supplier"]) == id(&a["supplier_id"]) && p["OrderStatus"] != 40)
            .collect();
        assert_eq!(a["orders"], own.len());
        let amount: i64 = own.iter().map(|p| cents(&p["AmountDC"])).sum();
        assert_eq!(cents(&a["ordered_amount"]), amount);
    }
    let suppliers: HashSet<String> = purchases
        .iter()
        .filter(|p| p["OrderStatus"] != 40)
        .map(|p| id(&p["Supplier"]))
        .collect();
    assert_eq!(agreements["count"], suppliers.len());
}

#[tokio::test]
async fn documents_are_read_from_exact_only_and_within_the_cap() {
    let mut s = Session::start().await;
    let rows = all(101, "documents/DocumentAttachments");
    let listed = s
        .every_page(
            "get_document_attachments",
            json!({ "division": 101, "limit": 5 }),
            "attachments",
            &["id"],
        )
        .await;
    assert_eq!(listed.len(), rows.len());
    assert!(listed.iter().all(|a| a["document_subject"].is_string()));
    let by_name = |suffix: &str| {
        listed
            .iter()
            .find(|a| a["file_name"].as_str().unwrap().ends_with(suffix))
            .unwrap()
            .clone()
    };

    // Text as text, a PDF as base64: the bytes the simulator serves.
    for (suffix, encoding) in [(".txt", "text"), (".csv", "text"), (".pdf", "base64")] {
        let a = by_name(suffix);
        sim_control(&s.app, "reset-log").await;
        let got = s
            .call(
                "get_document_content",
                json!({ "division": 101, "attachment_id": a["id"] }),
            )
            .await;
        assert_eq!(got["encoding"], encoding, "{suffix}");
        let (_, bytes) = demo_books::attachment(101, a["id"].as_str().unwrap()).unwrap();
        let content = got["content"].as_str().unwrap();
        let read = match encoding {
            "text" => content.as_bytes().to_vec(),
            _ => base64::engine::general_purpose::STANDARD
                .decode(content)
                .unwrap(),
        };
        assert_eq!(read, bytes);
        let url = got["exact_url"].as_str().unwrap();
        assert!(!url.to_lowercase().contains("token") && !url.contains("Bearer"));
        let requests = sim_requests(&s.app).await;
        let downloads: Vec<&Value> = requests
            .iter()
            .filter(|r| {
                r["path"]
                    .as_str()
                    .unwrap()
                    .ends_with("/docs/SysAttachment.aspx")
            })
            .collect();
        assert_eq!(downloads.len(), 1, "{requests:?}");
        assert!(
            downloads[0]["query"]
                .as_str()
                .unwrap()
                .contains("Download=1")
        );
    }

    // Over the cap: details and a message, and nothing downloaded.
    let large = by_name(".tif");
    assert_eq!(large["readable"], false);
    sim_control(&s.app, "reset-log").await;
    let got = s
        .call(
            "get_document_content",
            json!({ "division": 101, "attachment_id": large["id"] }),
        )
        .await;
    assert!(got["content"].is_null());
    assert!(got["message"].as_str().unwrap().contains("MiB"));
    assert!(int(&got["size_bytes"]) > 2 * 1024 * 1024);
    let requests = sim_requests(&s.app).await;
    assert!(
        requests
            .iter()
            .all(|r| !r["path"].as_str().unwrap().contains("SysAttachment"))
    );

    // format url: not read.
    let pdf = by_name(".pdf");
    let got = s
        .call(
            "get_document_content",
            json!({ "division": 101, "attachment_id": pdf["id"], "format": "url" }),
        )
        .await;
    assert!(got["content"].is_null());
    assert_eq!(got["encoding"], "none");

    // An address on another host is not followed, and no token goes there.
    let (listener, elsewhere) = {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        (l, format!("http://{addr}"))
    };
    // Same path as the simulator's site, another origin: only the origin check stops it.
    sim_control(
        &s.app,
        &format!("attachment-site?site={elsewhere}/sim/exact"),
    )
    .await;
    let got = s
        .call(
            "get_document_content",
            json!({ "division": 101, "attachment_id": pdf["id"] }),
        )
        .await;
    assert!(got["exact_url"].as_str().unwrap().starts_with(&elsewhere));
    assert!(got["content"].is_null());
    assert!(
        got["message"]
            .as_str()
            .unwrap()
            .contains("does not point to Exact Online")
    );
    let accepted =
        tokio::time::timeout(std::time::Duration::from_millis(200), listener.accept()).await;
    assert!(accepted.is_err(), "nothing connected to the other host");

    // An unknown attachment is a clear error.
    let said = s
        .refused(
            "get_document_content",
            json!({ "division": 101, "attachment_id": "00000000-0000-0000-0000-000000000001" }),
        )
        .await;
    assert!(said.contains("no attachment"), "{said}");
}

#[tokio::test]
async fn bad_arguments_are_refused_before_exact_and_the_cap_holds() {
    let mut s = Session::start().await;
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "get_sales_orders",
            json!({ "status": "shipped" }),
            "unknown variant",
        ),
        ("get_sales_orders", json!({ "limit": 201 }), "limit"),
        (
            "get_purchase_orders",
            json!({ "supplier_id": "x' or 1 eq 1" }),
            "supplier_id",
        ),
        (
            "get_quotations",
            json!({ "from_date": "2026-13-01" }),
            "from_date",
        ),
        ("get_projects", json!({ "search": "\u{7}" }), "control"),
        ("get_time_transactions", json!({ "limit": 1001 }), "limit"),
        (
            "get_project_invoices",
            json!({ "project_id": "abc" }),
            "project_id",
        ),
        (
            "get_wip_overview",
            json!({ "status": "completed" }),
            "unknown variant",
        ),
        (
            "get_document_attachments",
            json!({ "document_id": "1" }),
            "document_id",
        ),
        ("get_document_content", json!({}), "attachment_id"),
        ("get_opportunities", json!({ "owner_id": "me" }), "owner_id"),
        (
            "get_sales_funnel",
            json!({ "date_from": "2026-05-01", "date_to": "2026-01-01" }),
            "swap",
        ),
        (
            "get_sales_contracts",
            json!({ "cursor": "garbage" }),
            "cursor",
        ),
        ("get_purchase_contracts", json!({ "limit": 0 }), "limit"),
        (
            "get_recurring_revenue",
            json!({ "year": 2026 }),
            "unknown field",
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
    let attachment = all(404, "documents/DocumentAttachments")[0]["ID"].clone();
    for rows in [60, 3] {
        sim_control(&s.app, &format!("page-size?rows={rows}")).await;
        for tool in TOOLS {
            sim_control(&s.app, "reset-log").await;
            s.pace();
            let mut args = json!({ "division": 404 });
            if tool == "get_document_content" {
                args["attachment_id"] = attachment.clone();
            }
            if tool == "get_time_transactions" {
                args["limit"] = json!(1000);
            }
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
async fn demo_keys_answer_every_new_tool_for_each_company() {
    let mut s = Session::demo(TestApp::spawn().await).await;
    for company in demo_books::COMPANIES {
        let d = company.division;
        let attachment = all(d, "documents/DocumentAttachments")
            .into_iter()
            .find(|a| a["FileName"].as_str().unwrap().ends_with(".txt"))
            .unwrap();
        for tool in TOOLS {
            let mut args = json!({ "division": d });
            if tool == "get_document_content" {
                args["attachment_id"] = attachment["ID"].clone();
            }
            let v = s.call(tool, args).await;
            assert_eq!(int(&v["division"]), d);
            let lacking = (d == 101
                && [
                    "get_projects",
                    "get_time_transactions",
                    "get_project_invoices",
                    "get_wip_overview",
                ]
                .contains(&tool))
                || (d == 404 && ["get_sales_contracts", "get_recurring_revenue"].contains(&tool));
            if lacking {
                assert!(v["unavailable"].is_string(), "{tool} for {}", company.name);
                continue;
            }
            let filled = match tool {
                "get_sales_orders" | "get_purchase_orders" => int(&v["count"]) > 0,
                "get_quotations" => int(&v["count"]) > 0,
                "get_projects" | "get_time_transactions" | "get_project_invoices" => {
                    int(&v["count"]) > 0
                }
                "get_wip_overview" => v["projects"].is_array(),
                "get_document_attachments" => int(&v["count"]) > 0,
                "get_document_content" => v["encoding"] == "text",
                "get_opportunities" => int(&v["count"]) > 0,
                "get_sales_funnel" => !v["stages"].as_array().unwrap().is_empty(),
                "get_sales_contracts" => int(&v["count"]) > 0,
                "get_purchase_contracts" => int(&v["count"]) > 0,
                "get_recurring_revenue" => v["mrr"].as_f64().unwrap() > 0.0,
                _ => unreachable!(),
            };
            assert!(filled, "{tool} for {}: {v}", company.name);
        }
    }
}

#[tokio::test]
async fn every_catalogue_tool_answers_on_a_demo_key_for_each_company() {
    let mut s = Session::demo(TestApp::spawn().await).await;
    for company in demo_books::COMPANIES {
        let d = company.division;
        let customer = all(d, "crm/Accounts")
            .into_iter()
            .find(|a| a["Status"] == "C")
            .unwrap();
        let attachment = all(d, "documents/DocumentAttachments")[0]["ID"].clone();
        for tool in CATALOGUE {
            let mut args = json!({ "division": d });
            match tool {
                // Every tool's result is checked against its output schema (and is no error).
                "list_divisions" => args = json!({}),
                "search_relations" => args["query"] = json!("a"),
                "get_customer_360" => args["customer_id"] = customer["ID"].clone(),
                "get_document_content" => args["attachment_id"] = attachment.clone(),
                _ => {}
            }
            let v = s.call(tool, args).await;
            if tool != "list_divisions" {
                assert_eq!(int(&v["division"]), d, "{tool}");
            }
        }
    }
    assert_eq!(s.calls, 4 * CATALOGUE.len());
}
