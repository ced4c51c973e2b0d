//! get_customer_360: one customer's details (`crm/Accounts`), open items (`ReceivablesList`),
//! recent invoices (`SalesEntries`) and a payment-risk assessment.

use super::{
    ListSpec, ToolCtx, ToolError, cents, fetch_all, fetch_rows,
    relations::{Relation, relation},
    row,
};
use crate::server::mcp::odata;
use chrono::Days;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

const ACCOUNT_SELECT: &str = "ID,Code,Name,City,Country,Email,Phone,Website,Status,IsSales,IsSupplier,Blocked,VATNumber,ChamberOfCommerce,CreditLineSales,PaymentConditionSales";
const RECEIVABLES: ListSpec = ListSpec {
    path: "read/financial/ReceivablesList",
    key: "HID",
    select: "HID,Amount,DueDate,InvoiceDate,InvoiceNumber,EntryNumber,Description,CurrencyCode",
    what: "receivables",
    module: None,
};
const ACCOUNTS: ListSpec = ListSpec {
    path: "crm/Accounts",
    key: "ID",
    select: ACCOUNT_SELECT,
    what: "the customer",
    module: None,
};
const SALES_ENTRIES: ListSpec = ListSpec {
    path: "salesentry/SalesEntries",
    key: "EntryID",
    select: "EntryID,EntryNumber,InvoiceNumber,EntryDate,DueDate,AmountDC,Currency,Description",
    what: "sales invoices",
    module: None,
};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// The customer's ID (GUID) from get_relations or search_relations.
    pub customer_id: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OpenItem {
    pub invoice_number: Option<i64>,
    pub invoice_date: Option<String>,
    pub due_date: Option<String>,
    pub amount: f64,
    pub days_overdue: i64,
    pub description: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RecentInvoice {
    pub id: String,
    pub invoice_number: Option<i64>,
    pub date: Option<String>,
    pub due_date: Option<String>,
    pub amount: f64,
    /// Whether it is still open.
    pub open: bool,
    pub description: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PaymentRisk {
    /// low, medium or high.
    pub level: String,
    /// Why, in plain words.
    pub reasons: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub division: i64,
    pub customer: Relation,
    pub credit_line: f64,
    /// Payment term in days, as agreed with the customer.
    pub payment_term_days: Option<i64>,
    pub currency: String,
    pub open_items: Vec<OpenItem>,
    pub open_total: f64,
    pub overdue_total: f64,
    pub oldest_days_overdue: i64,
    /// The 10 most recent posted invoices, newest first.
    pub last_invoices: Vec<RecentInvoice>,
    /// Invoiced in the last 12 months (posted invoices, including VAT).
    pub invoiced_last_12_months: f64,
    pub payment_risk: PaymentRisk,
}

pub async fn get(ctx: &ToolCtx<'_>, args: Args) -> Result<Output, ToolError> {
    let id = odata::parse_guid("customer_id", &args.customer_id)?;
    let target = ctx.target(args.division)?;
    let today = ctx.today();

    let account = fetch_rows(
        ctx,
        &target,
        &ACCOUNTS,
        Some(format!("ID eq {}", odata::guid(&id))),
        None,
        1,
    )
    .await?
    .rows
        .into_iter()
        .next()
        .ok_or_else(|| {
            ToolError::invalid(format!(
                "No relation with ID {id} exists in division {}; find the right ID with search_relations.",
                target.division
            ))
        })?;

    let open_rows = fetch_all(
        ctx,
        &target,
        &RECEIVABLES,
        Some(format!("AccountId eq {}", odata::guid(&id))),
    )
    .await?;
    let mut open_items: Vec<OpenItem> = open_rows
        .iter()
        .map(|r| OpenItem {
            invoice_number: row::int(r, "InvoiceNumber"),
            invoice_date: row::date(r, "InvoiceDate"),
            due_date: row::date(r, "DueDate"),
            amount: cents(row::num(r, "Amount")),
            days_overdue: row::days_overdue(row::naive_date(r, "DueDate"), today),
            description: row::text(r, "Description"),
        })
        .collect();
    open_items.sort_by_key(|i| std::cmp::Reverse(i.days_overdue));
    let open_numbers: Vec<i64> = open_rows
        .iter()
        .filter_map(|r| row::int(r, "EntryNumber"))
        .collect();

    let year_ago = today.checked_sub_days(Days::new(365)).unwrap_or(today);
    let entries_filter = format!(
        "Customer eq {} and EntryDate ge {}",
        odata::guid(&id),
        odata::datetime(year_ago)
    );
    let mut entries = fetch_all(ctx, &target, &SALES_ENTRIES, Some(entries_filter)).await?;
    let invoiced: f64 = entries.iter().map(|r| row::num(r, "AmountDC")).sum();
    entries.sort_by_key(|r| std::cmp::Reverse(row::naive_date(r, "EntryDate")));
    let last_invoices = entries
        .iter()
        .take(10)
        .map(|r| RecentInvoice {
            id: row::text_or_empty(r, "EntryID"),
            invoice_number: row::int(r, "InvoiceNumber"),
            date: row::date(r, "EntryDate"),
            due_date: row::date(r, "DueDate"),
            amount: cents(row::num(r, "AmountDC")),
            open: row::int(r, "EntryNumber").is_some_and(|n| open_numbers.contains(&n)),
            description: row::text(r, "Description"),
        })
        .collect();

    let open_total: f64 = open_items.iter().map(|i| i.amount).sum();
    let overdue_total: f64 = open_items
        .iter()
        .filter(|i| i.days_overdue > 0)
        .map(|i| i.amount)
        .sum();
    let oldest = open_items.iter().map(|i| i.days_overdue).max().unwrap_or(0);
    let credit_line = row::num(&account, "CreditLineSales");
    let customer = relation(&account);
    let payment_risk = assess(
        open_total,
        overdue_total,
        oldest,
        credit_line,
        customer.blocked,
    );
    Ok(Output {
        division: target.division,
        customer,
        credit_line: cents(credit_line),
        payment_term_days: row::text(&account, "PaymentConditionSales")
            .and_then(|t| t.parse().ok()),
        currency: "EUR".to_string(),
        open_total: cents(open_total),
        overdue_total: cents(overdue_total),
        oldest_days_overdue: oldest,
        open_items,
        last_invoices,
        invoiced_last_12_months: cents(invoiced),
        payment_risk,
    })
}

/// A plain rule set: blocked, long or large overdue amounts, or a credit line exceeded.
fn assess(open: f64, overdue: f64, oldest: i64, credit_line: f64, blocked: bool) -> PaymentRisk {
    let mut reasons = Vec::new();
    let mut score = 0;
    if blocked {
        score += 2;
        reasons.push("The customer is blocked in Exact.".to_string());
    }
    if oldest > 60 {
        score += 2;
        reasons.push(format!("An invoice is {oldest} days overdue."));
    } else if oldest > 0 {
        score += 1;
        reasons.push(format!("The oldest overdue invoice is {oldest} days late."));
    }
    if open > 0.0 && overdue / open > 0.5 {
        score += 1;
        reasons.push(format!(
            "More than half of the open amount ({:.2} of {:.2}) is overdue.",
            overdue, open
        ));
    }
    if credit_line > 0.0 && open > credit_line {
        score += 1;
        reasons.push(format!(
            "The open amount {:.2} exceeds the credit line {:.2}.",
            open, credit_line
        ));
    }
    if reasons.is_empty() {
        reasons.push("Nothing is overdue.".to_string());
    }
    PaymentRisk {
        level: match score {
            0 => "low",
            1 | 2 => "medium",
            _ => "high",
        }
        .to_string(),
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::assess;

    #[test]
    fn risk_rises_with_age_share_and_credit_line() {
        assert_eq!(assess(0.0, 0.0, 0, 0.0, false).level, "low");
        assert_eq!(assess(100.0, 10.0, 5, 1000.0, false).level, "medium");
        let high = assess(5000.0, 4000.0, 90, 1000.0, false);
        assert_eq!(high.level, "high");
        assert_eq!(high.reasons.len(), 3);
    }
}
