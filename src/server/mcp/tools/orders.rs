//! get_sales_orders and get_purchase_orders: orders with their delivery (receipt) and invoice
//! progress from `salesorder/SalesOrders` and `purchaseorder/PurchaseOrders`, and on request
//! their lines. Exact keeps a status per order on two scales (sales 12 open, 20 partial,
//! 21 complete, 45 cancelled; purchase 10, 20, 30, 40): the tools answer in words.
//!
//! Field lists: Exact's REST reference for SalesOrders, SalesOrderLines, PurchaseOrders and
//! PurchaseOrderLines.

use super::{
    ListSpec, ToolCtx, ToolError, cents, check_limit, fetch_for_ids, list_page, row, rows_of,
};
use crate::server::mcp::odata;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

const SALES_ORDERS: ListSpec = ListSpec {
    path: "salesorder/SalesOrders",
    key: "OrderID",
    select: "OrderID,OrderNumber,OrderDate,DeliveryDate,OrderedBy,OrderedByName,Description,YourRef,Currency,AmountDC,AmountFCExclVat,Status,DeliveryStatus,InvoiceStatus,SalespersonFullName",
    what: "sales orders",
    module: None,
};
const SALES_ORDER_LINES: ListSpec = ListSpec {
    path: "salesorder/SalesOrderLines",
    key: "ID",
    select: "ID,OrderID,LineNumber,Item,ItemCode,Description,Quantity,QuantityDelivered,QuantityInvoiced,UnitPrice,NetPrice,AmountDC",
    what: "sales order lines",
    module: None,
};
const PURCHASE_ORDERS: ListSpec = ListSpec {
    path: "purchaseorder/PurchaseOrders",
    key: "PurchaseOrderID",
    select: "PurchaseOrderID,OrderNumber,OrderDate,ReceiptDate,Supplier,SupplierName,Description,YourRef,Currency,AmountDC,OrderStatus,ReceiptStatus,InvoiceStatus",
    what: "purchase orders",
    module: None,
};
const PURCHASE_ORDER_LINES: ListSpec = ListSpec {
    path: "purchaseorder/PurchaseOrderLines",
    key: "ID",
    select: "ID,PurchaseOrderID,LineNumber,Item,ItemCode,Description,Quantity,ReceivedQuantity,InvoicedQuantity,UnitPrice,NetPrice,AmountDC",
    what: "purchase order lines",
    module: None,
};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OrderStatus {
    /// Nothing delivered (received) yet.
    Open,
    /// Partly delivered (received) or invoiced.
    Partial,
    /// Fully delivered (received) and invoiced.
    Complete,
    Canceled,
    /// Every order (default).
    #[default]
    All,
}

/// Sales: 12 open, 20 partial, 21 complete, 45 cancelled.
fn sales_code(status: OrderStatus) -> Option<i64> {
    match status {
        OrderStatus::Open => Some(12),
        OrderStatus::Partial => Some(20),
        OrderStatus::Complete => Some(21),
        OrderStatus::Canceled => Some(45),
        OrderStatus::All => None,
    }
}

/// Purchases: 10 open, 20 partial, 30 complete, 40 canceled.
fn purchase_code(status: OrderStatus) -> Option<i64> {
    match status {
        OrderStatus::Open => Some(10),
        OrderStatus::Partial => Some(20),
        OrderStatus::Complete => Some(30),
        OrderStatus::Canceled => Some(40),
        OrderStatus::All => None,
    }
}

fn sales_word(code: Option<i64>) -> String {
    match code {
        Some(12) => "open",
        Some(20) => "partial",
        Some(21) => "complete",
        Some(45) => "canceled",
        _ => "unknown",
    }
    .to_string()
}

fn purchase_word(code: Option<i64>) -> String {
    match code {
        Some(10) => "open",
        Some(20) => "partial",
        Some(30) => "complete",
        Some(40) => "canceled",
        _ => "unknown",
    }
    .to_string()
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SalesArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// open, partial, complete, canceled or all (default all).
    #[serde(default)]
    pub status: OrderStatus,
    /// Only this customer's orders: the customer's ID (GUID) from get_relations or search_relations.
    pub customer_id: Option<String>,
    /// Orders dated on or after this day (YYYY-MM-DD).
    pub from_date: Option<String>,
    /// Orders dated on or before this day (YYYY-MM-DD).
    pub to_date: Option<String>,
    /// Also return each order's lines (items, quantities ordered, delivered and invoiced).
    #[serde(default)]
    pub include_lines: bool,
    /// Orders per page, 1 to 200 (default 50).
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PurchaseArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// open, partial, complete, canceled or all (default all).
    #[serde(default)]
    pub status: OrderStatus,
    /// Only this supplier's orders: the supplier's ID (GUID) from get_relations or search_relations.
    pub supplier_id: Option<String>,
    /// Orders dated on or after this day (YYYY-MM-DD).
    pub from_date: Option<String>,
    /// Orders dated on or before this day (YYYY-MM-DD).
    pub to_date: Option<String>,
    /// Also return each order's lines (items, quantities ordered, received and invoiced).
    #[serde(default)]
    pub include_lines: bool,
    /// Orders per page, 1 to 200 (default 50).
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OrderLine {
    pub line_number: Option<i64>,
    pub item_id: Option<String>,
    pub item_code: Option<String>,
    pub description: Option<String>,
    pub quantity: f64,
    /// Delivered (sales) or received (purchases).
    pub quantity_delivered: f64,
    pub quantity_invoiced: f64,
    /// The item's price before discount.
    pub unit_price: f64,
    /// The price per unit after discount.
    pub net_price: f64,
    /// Line amount excluding VAT.
    pub amount: f64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Order {
    pub id: String,
    pub order_number: Option<i64>,
    /// Order date, YYYY-MM-DD.
    pub date: Option<String>,
    /// Planned delivery (sales) or receipt (purchases) date.
    pub delivery_date: Option<String>,
    pub relation_id: Option<String>,
    pub relation_name: Option<String>,
    pub description: Option<String>,
    pub your_ref: Option<String>,
    pub currency: String,
    /// Exact's order amount (AmountDC): including VAT on sales orders, excluding VAT on purchase
    /// orders.
    pub amount: f64,
    /// Sales orders: the amount excluding VAT; purchase orders: null.
    pub amount_excl_vat: Option<f64>,
    /// open, partial, complete or canceled.
    pub status: String,
    /// Delivery (sales) or receipt (purchases): open, partial or complete.
    pub delivery_status: String,
    /// open, partial or complete.
    pub invoice_status: String,
    pub salesperson: Option<String>,
    /// With include_lines only.
    pub lines: Option<Vec<OrderLine>>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OrdersOutput {
    pub division: i64,
    pub orders: Vec<Order>,
    pub count: usize,
    /// Sum of `amount` over this page.
    pub total_amount: f64,
    pub has_more: bool,
    pub cursor: Option<String>,
}

/// What differs between the two order books.
struct Book {
    tool: &'static str,
    orders: &'static ListSpec,
    lines: &'static ListSpec,
    /// The field lines name their order by.
    line_order: &'static str,
    status_field: &'static str,
    code: fn(OrderStatus) -> Option<i64>,
    word: fn(Option<i64>) -> String,
    relation: (&'static str, &'static str, &'static str),
    /// The header's date and status of delivery (receipt).
    delivery: (&'static str, &'static str),
    /// The lines' delivered (received) and invoiced quantities.
    quantities: (&'static str, &'static str),
    /// The header's amount excluding VAT, where Exact has one.
    excl_vat: Option<&'static str>,
}

const SALES: Book = Book {
    tool: "get_sales_orders",
    orders: &SALES_ORDERS,
    lines: &SALES_ORDER_LINES,
    line_order: "OrderID",
    status_field: "Status",
    code: sales_code,
    word: sales_word,
    relation: ("customer_id", "OrderedBy", "OrderedByName"),
    delivery: ("DeliveryDate", "DeliveryStatus"),
    quantities: ("QuantityDelivered", "QuantityInvoiced"),
    excl_vat: Some("AmountFCExclVat"),
};

const PURCHASES: Book = Book {
    tool: "get_purchase_orders",
    orders: &PURCHASE_ORDERS,
    lines: &PURCHASE_ORDER_LINES,
    line_order: "PurchaseOrderID",
    status_field: "OrderStatus",
    code: purchase_code,
    word: purchase_word,
    relation: ("supplier_id", "Supplier", "SupplierName"),
    delivery: ("ReceiptDate", "ReceiptStatus"),
    quantities: ("ReceivedQuantity", "InvoicedQuantity"),
    excl_vat: None,
};

/// The arguments both tools take.
struct Query<'a> {
    division: Option<i64>,
    status: OrderStatus,
    relation: Option<&'a str>,
    dates: (Option<&'a str>, Option<&'a str>),
    include_lines: bool,
    limit: Option<u32>,
    cursor: Option<&'a str>,
}

pub async fn sales(ctx: &ToolCtx<'_>, args: SalesArgs) -> Result<OrdersOutput, ToolError> {
    let q = Query {
        division: args.division,
        status: args.status,
        relation: args.customer_id.as_deref(),
        dates: (args.from_date.as_deref(), args.to_date.as_deref()),
        include_lines: args.include_lines,
        limit: args.limit,
        cursor: args.cursor.as_deref(),
    };
    orders(ctx, &SALES, q).await
}

pub async fn purchase(ctx: &ToolCtx<'_>, args: PurchaseArgs) -> Result<OrdersOutput, ToolError> {
    let q = Query {
        division: args.division,
        status: args.status,
        relation: args.supplier_id.as_deref(),
        dates: (args.from_date.as_deref(), args.to_date.as_deref()),
        include_lines: args.include_lines,
        limit: args.limit,
        cursor: args.cursor.as_deref(),
    };
    orders(ctx, &PURCHASES, q).await
}

async fn orders(ctx: &ToolCtx<'_>, book: &Book, q: Query<'_>) -> Result<OrdersOutput, ToolError> {
    let limit = check_limit(q.limit, 50, 200)?;
    let (relation_arg, relation_field, relation_name) = book.relation;
    let mut clauses = Vec::new();
    clauses.extend(odata::guid_clause(
        relation_field,
        (relation_arg, q.relation),
    )?);
    clauses.extend(odata::date_clauses(
        "OrderDate",
        odata::date_range(q.dates.0, q.dates.1)?,
    ));
    if let Some(code) = (book.code)(q.status) {
        clauses.push(format!("{} eq {code}", book.status_field));
    }
    let target = ctx.target(q.division)?;
    let page = list_page(
        ctx,
        &target,
        (book.tool, book.orders),
        odata::all_of(clauses),
        limit,
        q.cursor,
    )
    .await?;
    let key = book.orders.key;
    let lines = if q.include_lines {
        let ids: Vec<String> = page.rows.iter().filter_map(|r| row::text(r, key)).collect();
        Some(fetch_for_ids(ctx, &target, (book.lines, book.line_order), &ids, None, 10).await?)
    } else {
        None
    };
    let (date_field, delivery_field) = book.delivery;
    let orders: Vec<Order> = page
        .rows
        .iter()
        .map(|r| {
            let id = row::text_or_empty(r, key);
            let lines = lines.as_ref().map(|all| {
                let mut mine: Vec<OrderLine> = rows_of(all, book.line_order, &id)
                    .map(|l| order_line(l, book.quantities))
                    .collect();
                mine.sort_by_key(|l| l.line_number);
                mine
            });
            Order {
                order_number: row::int(r, "OrderNumber"),
                date: row::date(r, "OrderDate"),
                delivery_date: row::date(r, date_field),
                relation_id: row::text(r, relation_field),
                relation_name: row::text(r, relation_name),
                description: row::text(r, "Description"),
                your_ref: row::text(r, "YourRef"),
                currency: row::text(r, "Currency").unwrap_or_else(|| "EUR".into()),
                amount: cents(row::num(r, "AmountDC")),
                amount_excl_vat: book.excl_vat.map(|f| cents(row::num(r, f))),
                status: (book.word)(row::int(r, book.status_field)),
                delivery_status: (book.word)(row::int(r, delivery_field)),
                invoice_status: (book.word)(row::int(r, "InvoiceStatus")),
                salesperson: row::text(r, "SalespersonFullName"),
                lines,
                id,
            }
        })
        .collect();
    Ok(OrdersOutput {
        division: target.division,
        count: orders.len(),
        total_amount: cents(orders.iter().map(|o| o.amount).sum()),
        orders,
        has_more: page.has_more(),
        cursor: page.cursor,
    })
}

fn order_line(l: &Value, (delivered, invoiced): (&str, &str)) -> OrderLine {
    OrderLine {
        line_number: row::int(l, "LineNumber"),
        item_id: row::text(l, "Item"),
        item_code: row::text(l, "ItemCode"),
        description: row::text(l, "Description"),
        quantity: row::num(l, "Quantity"),
        quantity_delivered: row::num(l, delivered),
        quantity_invoiced: row::num(l, invoiced),
        unit_price: row::num(l, "UnitPrice"),
        net_price: row::num(l, "NetPrice"),
        amount: cents(row::num(l, "AmountDC")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_both_ways_on_each_scale() {
        for s in [
            OrderStatus::Open,
            OrderStatus::Partial,
            OrderStatus::Complete,
            OrderStatus::Canceled,
        ] {
            let word = format!("{s:?}").to_lowercase();
            assert_eq!(sales_word(sales_code(s)), word);
            assert_eq!(purchase_word(purchase_code(s)), word);
        }
        assert_eq!(sales_code(OrderStatus::All), None);
        assert_eq!(sales_word(Some(99)), "unknown");
    }
}

// ---------------------------------------------------------------------------------------------
// Purchase contracts

/// Exact Online's REST API has no purchase-contract entity: what a company has agreed with a
/// supplier shows in its purchase orders. The tool summarises them per supplier.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractsArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Only this supplier (its ID, a GUID, from get_relations or search_relations).
    pub supplier_id: Option<String>,
    /// Only suppliers with an order still open or ordered from in the last 90 days (default
    /// true).
    #[serde(default = "yes")]
    pub active_only: bool,
    /// Suppliers to return, 1 to 200 (default 50), largest ordered amount first.
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SupplierAgreement {
    pub supplier_id: String,
    pub supplier_name: Option<String>,
    pub first_order_date: Option<String>,
    pub last_order_date: Option<String>,
    /// Orders not cancelled.
    pub orders: usize,
    /// Their amount (Exact's AmountDC, excluding VAT).
    pub ordered_amount: f64,
    pub average_order_amount: f64,
    /// Orders a month between the first and the last order.
    pub orders_per_month: f64,
    /// Orders not yet fully received or invoiced.
    pub open_orders: usize,
    pub open_amount: f64,
    /// An order open or placed in the last 90 days.
    pub active: bool,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ContractsOutput {
    pub division: i64,
    pub suppliers: Vec<SupplierAgreement>,
    pub count: usize,
    /// Suppliers left out by `limit`.
    pub more_suppliers: usize,
    pub method: String,
}

pub async fn purchase_contracts(
    ctx: &ToolCtx<'_>,
    args: ContractsArgs,
) -> Result<ContractsOutput, ToolError> {
    let limit = check_limit(args.limit, 50, 200)?;
    let filter = odata::guid_clause("Supplier", ("supplier_id", args.supplier_id.as_deref()))?;
    let target = ctx.target(args.division)?;
    let rows = super::fetch_all(ctx, &target, &PURCHASE_ORDERS, filter).await?;
    let recent = ctx
        .today()
        .checked_sub_days(chrono::Days::new(90))
        .unwrap_or_default();
    let mut suppliers = agreements(&rows, recent);
    if args.active_only {
        suppliers.retain(|s| s.active);
    }
    let more_suppliers = suppliers.len().saturating_sub(limit);
    suppliers.truncate(limit);
    Ok(ContractsOutput {
        division: target.division,
        count: suppliers.len(),
        more_suppliers,
        suppliers,
        method: "Exact Online's API has no purchase contracts: each supplier's purchase orders \
                 (cancelled ones left out) are summarised instead. Open = not fully received or \
                 invoiced; active = an open order or one placed in the last 90 days."
            .to_string(),
    })
}

/// The purchase orders grouped per supplier, largest ordered amount first.
fn agreements(rows: &[Value], recent: chrono::NaiveDate) -> Vec<SupplierAgreement> {
    let mut by_supplier: std::collections::BTreeMap<String, Vec<&Value>> = Default::default();
    for r in rows
        .iter()
        .filter(|r| row::int(r, "OrderStatus") != Some(40))
    {
        if let Some(s) = row::text(r, "Supplier") {
            by_supplier.entry(s.to_lowercase()).or_default().push(r);
        }
    }
    let mut out: Vec<SupplierAgreement> = by_supplier
        .into_values()
        .map(|orders| {
            let dates: Vec<chrono::NaiveDate> = orders
                .iter()
                .filter_map(|o| row::naive_date(o, "OrderDate"))
                .collect();
            let (first, last) = (dates.iter().min().copied(), dates.iter().max().copied());
            let open: Vec<&&Value> = orders
                .iter()
                .filter(|o| {
                    row::int(o, "ReceiptStatus") != Some(30)
                        || row::int(o, "InvoiceStatus") != Some(30)
                })
                .collect();
            let amount = cents(orders.iter().map(|o| row::num(o, "AmountDC")).sum());
            let months = match (first, last) {
                (Some(f), Some(l)) => ((l - f).num_days() as f64 / 30.44).max(1.0),
                _ => 1.0,
            };
            SupplierAgreement {
                supplier_id: row::text_or_empty(orders[0], "Supplier"),
                supplier_name: row::text(orders[0], "SupplierName"),
                first_order_date: first.map(|d| d.to_string()),
                last_order_date: last.map(|d| d.to_string()),
                orders: orders.len(),
                ordered_amount: amount,
                average_order_amount: cents(amount / orders.len() as f64),
                orders_per_month: (orders.len() as f64 / months * 10.0).round() / 10.0,
                open_orders: open.len(),
                open_amount: cents(open.iter().map(|o| row::num(o, "AmountDC")).sum()),
                active: !open.is_empty() || last.is_some_and(|l| l >= recent),
            }
        })
        .collect();
    out.sort_by(|a, b| b.ordered_amount.total_cmp(&a.ordered_amount));
    out
}
