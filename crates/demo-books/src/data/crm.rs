//! `crm/Quotations` and `crm/Opportunities`. One sales order in four (not cancelled) was quoted
//! first: its quotation is accepted, for the order's amount, and half of those came from an
//! opportunity that is now won. Open opportunities sit in one of three stages, the later two with
//! a quotation out; lost ones have a reason and sometimes a rejected quotation. Some accepted
//! quotations have an earlier version, closed when the new one was made.

use super::{
    Books,
    accounts::Acct,
    orders::{Order, State},
    random::{Rng, guid},
    staff::Person,
    values::{date, money, obj, weekday},
};
use crate::odata::Row;
use serde_json::json;

/// The pipeline's stages (user-defined in Exact): description and default probability (a
/// fraction, as Exact's percentages are).
const STAGES: [(&str, f64); 3] = [("Intake", 0.1), ("Offerte", 0.4), ("Onderhandeling", 0.7)];

const LOST_REASONS: [(&str, &str); 3] = [
    ("PRIJS", "Prijs te hoog"),
    ("CONC", "Gekozen voor concurrent"),
    ("BUDGET", "Geen budget"),
];

/// A quotation status in Exact's codes.
const ACCEPTED: i64 = 50;
const REJECTED: i64 = 5;
const CLOSED: i64 = 6;

fn status_text(status: i64) -> &'static str {
    match status {
        5 => "Rejected",
        6 => "Reviewed and closed",
        20 => "Draft",
        25 => "Open",
        40 => "Printed",
        50 => "Accepted",
        60 => "Awaiting online acceptance",
        _ => "Processing",
    }
}

struct Quote {
    number: i64,
    version: i64,
    day: i64,
    close: Option<i64>,
    account: usize,
    net: i64,
    vat: i64,
    status: i64,
    opportunity: Option<usize>,
    person: usize,
    description: String,
}

struct Opportunity {
    name: String,
    account: usize,
    net: i64,
    /// 1 open, 2 won, 3 lost.
    status: i64,
    stage: usize,
    created: i64,
    /// The next action's date.
    action: i64,
    /// Expected (open) or actual (won, lost) close date.
    close: Option<i64>,
    reason: Option<usize>,
    owner: usize,
}

/// What the CRM needs of the rest of the company.
pub(super) struct Context<'a> {
    pub(super) books: &'a Books<'a>,
    pub(super) accounts: &'a [Acct],
    pub(super) customers: &'a [usize],
    pub(super) staff: &'a [Person],
}

/// `(quotations, opportunities)`.
pub(super) fn rows(cx: &Context, orders: &[Order]) -> (Vec<Row>, Vec<Row>) {
    let mut rng = Rng::new(cx.books.division as u64 * 1_000 + 9);
    let mut quotes = Vec::new();
    let mut opps = Vec::new();
    won(&mut rng, orders, &mut quotes, &mut opps);
    if !cx.customers.is_empty() {
        open_and_lost(cx, &mut rng, &mut quotes, &mut opps);
    }
    quotes.sort_by_key(|q| (q.number, q.version));
    let quote_rows = quote_rows(cx, &quotes, &opps);
    (quote_rows, opportunity_rows(cx, &opps))
}

/// Accepted quotations behind every fourth sales order, and the won opportunities behind half of
/// them.
fn won(rng: &mut Rng, orders: &[Order], quotes: &mut Vec<Quote>, opps: &mut Vec<Opportunity>) {
    let quoted = orders
        .iter()
        .filter(|o| o.state != State::Cancelled)
        .step_by(4);
    for (n, order) in quoted.enumerate() {
        let day = weekday(order.day - rng.between(5, 30));
        let opportunity = (n % 2 == 0).then(|| {
            opps.push(Opportunity {
                name: order.description.clone(),
                account: order.account,
                net: order.net(),
                status: 2,
                stage: STAGES.len() - 1,
                created: day - rng.between(10, 40),
                action: order.day,
                close: Some(order.day),
                reason: None,
                owner: order.person,
            });
            opps.len() - 1
        });
        let number = quotes.len() as i64 + 1;
        if n % 3 == 1 {
            // An earlier version, 5% dearer, closed when this one replaced it.
            quotes.push(Quote {
                number,
                version: 1,
                day: day - 7,
                close: Some(day),
                account: order.account,
                net: order.net() * 105 / 100,
                vat: order.vat * 105 / 100,
                status: CLOSED,
                opportunity,
                person: order.person,
                description: order.description.clone(),
            });
        }
        quotes.push(Quote {
            number,
            version: if n % 3 == 1 { 2 } else { 1 },
            day,
            close: Some(order.day),
            account: order.account,
            net: order.net(),
            vat: order.vat,
            status: ACCEPTED,
            opportunity,
            person: order.person,
            description: order.description.clone(),
        });
    }
}

/// Open opportunities in each stage (a quotation out from the second stage on) and lost ones.
fn open_and_lost(
    cx: &Context,
    rng: &mut Rng,
    quotes: &mut Vec<Quote>,
    opps: &mut Vec<Opportunity>,
) {
    let books = cx.books;
    let t = books.trade;
    let open = 8 + (books.division % 5) as usize;
    let lost = 5;
    for n in 0..open + lost {
        let is_open = n < open;
        let net = rng.between(t.sales_cents.0, t.sales_cents.1 * 2) / 100 * 100;
        let created = weekday(books.last_day - rng.between(10, 200));
        let stage = if is_open {
            n % STAGES.len()
        } else {
            rng.below(STAGES.len())
        };
        // Open: the expected close date, ahead; closed: the day it was lost.
        let close = if is_open {
            books.last_day + rng.between(7, 120)
        } else {
            weekday(created + rng.between(20, 60)).min(books.last_day)
        };
        let account = *rng.pick(cx.customers);
        let owner = rng.below(cx.staff.len());
        let description = format!(
            "{} {}",
            rng.pick(t.sales_descriptions),
            books.division % 7 + n as i64
        );
        opps.push(Opportunity {
            name: description.clone(),
            account,
            net,
            status: if is_open { 1 } else { 3 },
            stage,
            created,
            action: if is_open {
                books.last_day + rng.between(1, 14)
            } else {
                close
            },
            close: Some(close),
            reason: (!is_open).then(|| rng.below(LOST_REASONS.len())),
            owner,
        });
        let quoted = if is_open { stage > 0 } else { rng.chance(50) };
        if quoted {
            let day = weekday(created + rng.between(3, 9)).min(books.last_day);
            let status = if is_open {
                *rng.pick(&[20, 25, 25, 40, 60])
            } else {
                REJECTED
            };
            let close = (!is_open).then_some(close);
            quotes.push(Quote {
                number: quotes.len() as i64 + 1,
                version: 1,
                day,
                close,
                account,
                net,
                vat: (net * t.vat_percent + 50) / 100,
                status,
                opportunity: Some(opps.len() - 1),
                person: owner,
                description,
            });
        }
    }
}

fn quote_rows(cx: &Context, quotes: &[Quote], opps: &[Opportunity]) -> Vec<Row> {
    let books = cx.books;
    quotes
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let acct = &cx.accounts[q.account];
            let person = &cx.staff[q.person];
            obj(json!({
                "QuotationID": guid(books.division, "quotation", i),
                "QuotationNumber": q.number,
                "VersionNumber": q.version,
                "QuotationDate": date(q.day),
                "DueDate": date(q.day + 30),
                "CloseDate": q.close.filter(|_| q.status == ACCEPTED || q.status == REJECTED || q.status == CLOSED).map(date),
                "OrderAccount": acct.id,
                "OrderAccountCode": acct.code,
                "OrderAccountName": acct.name,
                "AmountDC": money(q.net + q.vat),
                "AmountFC": money(q.net + q.vat),
                "VATAmountFC": money(q.vat),
                "Currency": "EUR",
                "Description": q.description,
                "Status": q.status,
                "StatusDescription": status_text(q.status),
                "Opportunity": q.opportunity.map(|o| guid(books.division, "opportunity", o)),
                "OpportunityName": q.opportunity.map(|o| opps[o].name.clone()),
                "SalesPerson": person.id,
                "SalesPersonFullName": person.name,
                "Created": date(q.day),
                "Modified": date(q.close.unwrap_or(q.day)),
                "Division": books.division,
            }))
        })
        .collect()
}

fn opportunity_rows(cx: &Context, opps: &[Opportunity]) -> Vec<Row> {
    let books = cx.books;
    opps.iter()
        .enumerate()
        .map(|(i, o)| {
            let acct = &cx.accounts[o.account];
            let owner = &cx.staff[o.owner];
            let (stage, default_probability) = STAGES[o.stage];
            let probability = match o.status {
                2 => 1.0,
                3 => 0.0,
                _ => default_probability,
            };
            let reason = o.reason.map(|r| LOST_REASONS[r]);
            obj(json!({
                "ID": guid(books.division, "opportunity", i),
                "Number": i + 1,
                "Name": o.name,
                "Account": acct.id,
                "AccountCode": acct.code,
                "AccountName": acct.name,
                "AmountDC": money(o.net),
                "AmountFC": money(o.net),
                "Currency": "EUR",
                "Probability": probability,
                "OpportunityStage": guid(books.division, "opportunitystage", o.stage),
                "OpportunityStageDescription": stage,
                "OpportunityStatus": o.status,
                "ActionDate": date(o.action),
                "CloseDate": o.close.map(date),
                "Owner": owner.id,
                "OwnerFullName": owner.name,
                "ReasonCode": reason.map(|r| guid(books.division, "reasoncode", LOST_REASONS.iter().position(|x| *x == r).unwrap_or(0))),
                "ReasonCodeDescription": reason.map(|r| r.1),
                "Created": date(o.created),
                "Modified": date(o.close.unwrap_or(o.created).min(books.last_day)),
                "Division": books.division,
            }))
        })
        .collect()
}
