//! `salesorder/SalesOrders` and `purchaseorder/PurchaseOrders` with their lines. One posted sales
//! (purchase) entry in three was ordered first: its order is complete, its lines sum to the
//! entry's net amount and its VAT is the entry's. The other orders are recent and still open,
//! partly delivered (received) or cancelled, with the items at their standard sales price
//! (their main supplier's price).

use super::{
    Books,
    accounts::Acct,
    entries::Entry,
    random::{Rng, guid},
    staff::Person,
    values::{date, money, obj, weekday},
};
use crate::odata::Row;
use serde_json::{Value, json};

/// An order line; amounts in cents, quantities in whole units.
pub(super) struct Line {
    /// Index into the company's items.
    pub(super) item: usize,
    pub(super) quantity: i64,
    pub(super) delivered: i64,
    pub(super) invoiced: i64,
    /// The item's list price (sales) or purchase price.
    pub(super) unit: i64,
    /// Net amount of the line, excluding VAT.
    pub(super) amount: i64,
}

/// The states Exact gives an order, each on its own scale (sales 12/20/21/45, purchase
/// 10/20/30/40): open, partly processed, complete, cancelled.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum State {
    Open,
    Partial,
    Complete,
    Cancelled,
}

pub(super) struct Order {
    pub(super) id: String,
    pub(super) number: i64,
    pub(super) day: i64,
    /// Index into the company's accounts.
    pub(super) account: usize,
    pub(super) lines: Vec<Line>,
    pub(super) state: State,
    pub(super) vat: i64,
    pub(super) description: String,
    pub(super) your_ref: Option<String>,
    /// The salesperson (sales orders).
    pub(super) person: usize,
}

impl Order {
    pub(super) fn net(&self) -> i64 {
        self.lines.iter().map(|l| l.amount).sum()
    }
}

/// What the two order books need of the rest of the company.
pub(super) struct Context<'a> {
    pub(super) books: &'a Books<'a>,
    pub(super) accounts: &'a [Acct],
    pub(super) items: &'a [Row],
    pub(super) staff: &'a [Person],
}

fn cents(row: &Row, field: &str) -> i64 {
    (row.get(field).and_then(Value::as_f64).unwrap_or(0.0) * 100.0).round() as i64
}

fn text(row: &Row, field: &str) -> Value {
    row.get(field).cloned().unwrap_or(Value::Null)
}

fn items_where(items: &[Row], flag: &str) -> Vec<usize> {
    (0..items.len())
        .filter(|&i| items[i].get(flag).and_then(Value::as_bool) == Some(true))
        .collect()
}

/// The sales orders: complete ones behind every third posted sales entry, then open, partial and
/// cancelled ones of the last weeks.
pub(super) fn sales(cx: &Context, entries: &[Entry], customers: &[usize]) -> Vec<Order> {
    let mut rng = Rng::new(cx.books.division as u64 * 1_000 + 5);
    let pool = items_where(cx.items, "IsSalesItem");
    let price = |i: usize| cents(&cx.items[i], "StandardSalesPrice");
    let mut orders = invoiced(cx, &mut rng, entries, (&pool, &price));
    orders.extend(pending(cx, &mut rng, customers, (&pool, &price)));
    number(cx.books, "salesorder", orders)
}

/// The purchase orders, as [`sales`] but behind purchase entries and with the items their
/// suppliers deliver.
pub(super) fn purchases(cx: &Context, entries: &[Entry], suppliers: &[usize]) -> Vec<Order> {
    let mut rng = Rng::new(cx.books.division as u64 * 1_000 + 7);
    let pool = items_where(cx.items, "IsPurchaseItem");
    let price = |i: usize| cents(&cx.items[i], "CostPriceStandard").max(5);
    let mut orders = invoiced(cx, &mut rng, entries, (&pool, &price));
    orders.extend(pending(cx, &mut rng, suppliers, (&pool, &price)));
    number(cx.books, "purchaseorder", orders)
}

type Pricing<'a> = (&'a [usize], &'a dyn Fn(usize) -> i64);

/// Complete orders for every third entry: ordered days before, lines summing to its net amount.
fn invoiced(cx: &Context, rng: &mut Rng, entries: &[Entry], (pool, price): Pricing) -> Vec<Order> {
    entries
        .iter()
        .step_by(3)
        .filter(|_| !pool.is_empty())
        .map(|e| Order {
            id: String::new(),
            number: 0,
            day: weekday(e.day - rng.between(3, 20)),
            account: e.account,
            lines: split(rng, e.net, pool, price),
            state: State::Complete,
            vat: e.vat,
            description: e.description.clone(),
            your_ref: e.your_ref.clone(),
            person: rng.below(cx.staff.len()),
        })
        .collect()
}

/// The net amount split over one to three lines of items; each line's quantity is its amount at
/// about the item's price, and its net price what makes the amount exact.
fn split(rng: &mut Rng, net: i64, pool: &[usize], price: &dyn Fn(usize) -> i64) -> Vec<Line> {
    let count = if net < 1_000 { 1 } else { 1 + rng.below(3) };
    let mut left = net;
    (0..count)
        .map(|n| {
            let amount = if n + 1 == count {
                left
            } else {
                (left * rng.between(30, 60) / 100 / 5 * 5).max(5)
            };
            left -= amount;
            let item = *rng.pick(pool);
            let unit = price(item).max(1);
            let quantity = ((amount + unit / 2) / unit).max(1);
            Line {
                item,
                quantity,
                delivered: quantity,
                invoiced: quantity,
                unit,
                amount,
            }
        })
        .collect()
}

/// Orders of the last six weeks not yet (fully) delivered and invoiced, and a few cancelled.
fn pending(cx: &Context, rng: &mut Rng, relations: &[usize], (pool, price): Pricing) -> Vec<Order> {
    let books = cx.books;
    if pool.is_empty() || relations.is_empty() {
        return Vec::new();
    }
    let vat_percent = books.trade.vat_percent;
    let states = [
        (State::Open, 7 + (books.division % 4) as usize),
        (State::Partial, 3),
        (State::Cancelled, 2),
    ];
    let mut orders = Vec::new();
    for (state, count) in states {
        for _ in 0..count {
            let lines: Vec<Line> = (0..1 + rng.below(3))
                .enumerate()
                .map(|(n, _)| {
                    let item = *rng.pick(pool);
                    let unit = price(item).max(1);
                    let quantity = rng.between(1, 12);
                    // A partial order has its first line done.
                    let done = if state == State::Partial && n == 0 {
                        quantity
                    } else {
                        0
                    };
                    Line {
                        item,
                        quantity,
                        delivered: done,
                        invoiced: 0,
                        unit,
                        amount: quantity * unit,
                    }
                })
                .collect();
            let net: i64 = lines.iter().map(|l| l.amount).sum();
            let description = format!(
                "Bestelling {}",
                cx.items[lines[0].item]
                    .get("Description")
                    .and_then(Value::as_str)
                    .unwrap_or("artikelen")
            );
            orders.push(Order {
                id: String::new(),
                number: 0,
                day: weekday(books.last_day - rng.between(0, 42)),
                account: *rng.pick(relations),
                lines,
                state,
                vat: (net * vat_percent + 50) / 100,
                description,
                your_ref: rng.chance(50).then(|| format!("PO-{}", rng.digits(5))),
                person: rng.below(cx.staff.len()),
            });
        }
    }
    orders
}

/// Orders in date order, numbered from 1 with GUIDs of their number.
fn number(books: &Books, kind: &str, mut orders: Vec<Order>) -> Vec<Order> {
    orders.sort_by_key(|o| o.day);
    for (i, o) in orders.iter_mut().enumerate() {
        o.number = i as i64 + 1;
        o.id = guid(books.division, kind, i);
    }
    orders
}

/// Exact's sales order status: 12 open, 20 partial, 21 complete, 45 cancelled.
fn sales_status(state: State) -> (i64, &'static str) {
    match state {
        State::Open => (12, "Open"),
        State::Partial => (20, "Partial"),
        State::Complete => (21, "Complete"),
        State::Cancelled => (45, "Cancelled"),
    }
}

/// Exact's purchase order status: 10 open, 20 partial, 30 complete, 40 canceled.
fn purchase_status(state: State) -> (i64, &'static str) {
    match state {
        State::Open => (10, "Open"),
        State::Partial => (20, "Partial"),
        State::Complete => (30, "Complete"),
        State::Cancelled => (40, "Canceled"),
    }
}

/// Delivery (receipt) and invoice state of an order from its lines' quantities.
fn progress(lines: &[Line], done: impl Fn(&Line) -> i64, state: State) -> State {
    let total: i64 = lines.iter().map(|l| l.quantity).sum();
    let done: i64 = lines.iter().map(done).sum();
    match state {
        State::Cancelled => State::Open,
        _ if done == 0 => State::Open,
        _ if done >= total => State::Complete,
        _ => State::Partial,
    }
}

pub(super) fn sales_rows(cx: &Context, orders: &[Order]) -> (Vec<Row>, Vec<Row>) {
    let books = cx.books;
    let mut lines = Vec::new();
    let headers = orders
        .iter()
        .map(|o| {
            let acct = &cx.accounts[o.account];
            let person = &cx.staff[o.person];
            let (status, status_text) = sales_status(o.state);
            let (delivery, delivery_text) =
                sales_status(progress(&o.lines, |l| l.delivered, o.state));
            let (invoice, invoice_text) = sales_status(progress(&o.lines, |l| l.invoiced, o.state));
            let net = o.net();
            lines.extend(line_rows(cx, o, "salesorderline", |row, l| {
                row.insert("OrderID".into(), json!(o.id));
                row.insert("OrderNumber".into(), json!(o.number));
                row.insert("QuantityDelivered".into(), json!(l.delivered as f64));
                row.insert("QuantityInvoiced".into(), json!(l.invoiced as f64));
                row.insert("DeliveryDate".into(), date(o.day + 2));
                row.insert(
                    "CostPriceFC".into(),
                    json!(cents(&cx.items[l.item], "CostPriceStandard") as f64 / 100.0),
                );
            }));
            obj(json!({
                "OrderID": o.id,
                "OrderNumber": o.number,
                "OrderDate": date(o.day),
                "DeliveryDate": date(o.day + 2),
                "OrderedBy": acct.id,
                "OrderedByName": acct.name,
                "InvoiceTo": acct.id,
                "InvoiceToName": acct.name,
                "Description": o.description,
                "YourRef": o.your_ref,
                "Currency": "EUR",
                "AmountDC": money(net + o.vat),
                "AmountFC": money(net + o.vat),
                "AmountFCExclVat": money(net),
                "Status": status,
                "StatusDescription": status_text,
                "DeliveryStatus": delivery,
                "DeliveryStatusDescription": delivery_text,
                "InvoiceStatus": invoice,
                "InvoiceStatusDescription": invoice_text,
                "Salesperson": person.id,
                "SalespersonFullName": person.name,
                "Created": date(o.day),
                "Modified": date(o.day + 2),
                "Division": books.division,
            }))
        })
        .collect();
    (headers, lines)
}

pub(super) fn purchase_rows(cx: &Context, orders: &[Order]) -> (Vec<Row>, Vec<Row>) {
    let books = cx.books;
    let mut lines = Vec::new();
    let headers = orders
        .iter()
        .map(|o| {
            let acct = &cx.accounts[o.account];
            let (status, status_text) = purchase_status(o.state);
            let (receipt, _) = purchase_status(progress(&o.lines, |l| l.delivered, o.state));
            let (invoice, _) = purchase_status(progress(&o.lines, |l| l.invoiced, o.state));
            lines.extend(line_rows(cx, o, "purchaseorderline", |row, l| {
                row.insert("PurchaseOrderID".into(), json!(o.id));
                row.insert("ReceivedQuantity".into(), json!(l.delivered as f64));
                row.insert("InvoicedQuantity".into(), json!(l.invoiced as f64));
                row.insert("ReceiptDate".into(), date(o.day + 5));
            }));
            obj(json!({
                "PurchaseOrderID": o.id,
                "OrderNumber": o.number,
                "OrderDate": date(o.day),
                "ReceiptDate": date(o.day + 5),
                "Supplier": acct.id,
                "SupplierCode": acct.code,
                "SupplierName": acct.name,
                "Description": o.description,
                "YourRef": o.your_ref,
                "Currency": "EUR",
                "AmountDC": money(o.net()),
                "AmountFC": money(o.net()),
                "OrderStatus": status,
                "OrderStatusDescription": status_text,
                "ReceiptStatus": receipt,
                "InvoiceStatus": invoice,
                "Created": date(o.day),
                "Modified": date(o.day + 5),
                "Division": books.division,
            }))
        })
        .collect();
    (headers, lines)
}

/// The fields sales and purchase order lines share; `own` adds the rest.
fn line_rows(cx: &Context, order: &Order, kind: &str, own: impl Fn(&mut Row, &Line)) -> Vec<Row> {
    let vat_percent = cx.books.trade.vat_percent;
    let mut vat_left = order.vat;
    order
        .lines
        .iter()
        .enumerate()
        .map(|(n, l)| {
            let item = &cx.items[l.item];
            let vat = if n + 1 == order.lines.len() {
                vat_left
            } else {
                (l.amount * vat_percent + 50) / 100
            };
            vat_left -= vat;
            let net_price = l.amount as f64 / l.quantity as f64 / 100.0;
            let mut row = obj(json!({
                "ID": guid(cx.books.division, kind, order.number as usize * 10 + n),
                "LineNumber": n + 1,
                "Item": text(item, "ID"),
                "ItemCode": text(item, "Code"),
                "ItemDescription": text(item, "Description"),
                "Description": text(item, "Description"),
                "Quantity": l.quantity as f64,
                "UnitPrice": money(l.unit),
                "NetPrice": net_price,
                "Discount": 1.0 - net_price * 100.0 / l.unit as f64,
                "AmountDC": money(l.amount),
                "AmountFC": money(l.amount),
                "VATAmount": money(vat),
                "VATCode": cx.books.trade.vat_code,
                "VATPercentage": vat_percent as f64 / 100.0,
                "Division": cx.books.division,
            }));
            own(&mut row, l);
            row
        })
        .collect()
}
