//! `crm/Accounts`: the customers (codes from 1000) and then the suppliers (codes from 5000), with
//! Dutch addresses and a few foreign suppliers.

use super::{
    Books,
    random::{Rng, guid},
    trades::Trade,
    values::{date, money, obj, slug},
};
use crate::odata::Row;
use serde_json::{Value, json};

/// An account as the other generators need it.
pub(super) struct Acct {
    pub(super) id: String,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) domain: String,
}

/// The accounts of a company: their rows, and what the entries are booked against.
pub(super) struct Accounts {
    pub(super) rows: Vec<Row>,
    /// In code order, as `rows`.
    pub(super) all: Vec<Acct>,
    /// Indexes of the accounts sales may be booked to (status "C").
    pub(super) sales: Vec<usize>,
    /// Indexes of the suppliers.
    pub(super) suppliers: Vec<usize>,
}

/// (city, first postcode digits, area code)
const CITIES: &[(&str, u32, &str)] = &[
    ("Amsterdam", 1011, "020"),
    ("Rotterdam", 3011, "010"),
    ("Den Haag", 2511, "070"),
    ("Utrecht", 3511, "030"),
    ("Eindhoven", 5611, "040"),
    ("Groningen", 9711, "050"),
    ("Tilburg", 5011, "013"),
    ("Almere", 1315, "036"),
    ("Breda", 4811, "076"),
    ("Nijmegen", 6511, "024"),
    ("Apeldoorn", 7311, "055"),
    ("Haarlem", 2011, "023"),
    ("Arnhem", 6811, "026"),
    ("Zwolle", 8011, "038"),
    ("Amersfoort", 3811, "033"),
    ("'s-Hertogenbosch", 5211, "073"),
    ("Leiden", 2311, "071"),
    ("Maastricht", 6211, "043"),
    ("Dordrecht", 3311, "078"),
    ("Delft", 2611, "015"),
    ("Alkmaar", 1811, "072"),
    ("Gouda", 2801, "0182"),
    ("Deventer", 7411, "0570"),
    ("Hilversum", 1211, "035"),
];

const FOREIGN_CITIES: &[(&str, &str, &str)] = &[
    ("Antwerpen", "BE", "2000"),
    ("Gent", "BE", "9000"),
    ("Düsseldorf", "DE", "40210"),
    ("Aachen", "DE", "52062"),
];

const STREETS: &[&str] = &[
    "Dorpsstraat",
    "Kerkstraat",
    "Molenweg",
    "Stationsweg",
    "Industrieweg",
    "Marktplein",
    "Julianalaan",
    "Beatrixstraat",
    "Nieuwe Gracht",
    "Schoolstraat",
    "Parallelweg",
    "Havenkade",
];

pub(super) fn generate(books: &Books, rng: &mut Rng) -> Accounts {
    let s = books.trade.sizes;
    let customers = s.accounts - s.suppliers;
    let names = Names::shuffled(books.trade, rng);
    let mut all: Vec<Acct> = Vec::new();
    let mut rows = Vec::new();
    for i in 0..s.accounts {
        let supplier = i >= customers;
        let name = names.of(i, customers);
        let code = if supplier {
            (5000 + i - customers).to_string()
        } else {
            (1000 + i).to_string()
        };
        let acct = Acct {
            id: guid(books.division, "account", i),
            code,
            domain: format!("{}.nl", slug(&name)),
            name,
        };
        let address = Address::draw(rng, supplier);
        // Customers are mostly "C"; some prospects; two suppliers are customers as well.
        let status = if supplier {
            if i - customers < 2 { "C" } else { "A" }
        } else if rng.chance(8) {
            "P"
        } else {
            "C"
        };
        rows.push(row(books, rng, &acct, address, status, supplier));
        all.push(acct);
    }
    let sales = (0..s.accounts)
        .filter(|&i| rows[i].get("Status") == Some(&json!("C")))
        .collect();
    Accounts {
        rows,
        all,
        sales,
        suppliers: (customers..s.accounts).collect(),
    }
}

/// The trade's company names, every left part with every right part, in a shuffled order.
struct Names {
    customers: Vec<String>,
    suppliers: Vec<String>,
}

impl Names {
    fn shuffled(t: &Trade, rng: &mut Rng) -> Names {
        let mut customers: Vec<String> = t
            .customer_left
            .iter()
            .flat_map(|l| t.customer_right.iter().map(move |r| format!("{l} {r}")))
            .collect();
        rng.shuffle(&mut customers);
        let mut suppliers: Vec<String> = t
            .supplier_left
            .iter()
            .flat_map(|l| t.supplier_right.iter().map(move |r| format!("{l} {r}")))
            .collect();
        rng.shuffle(&mut suppliers);
        Names {
            customers,
            suppliers,
        }
    }

    /// The name of the `i`-th account, the suppliers coming after the first `customers`.
    fn of(&self, i: usize, customers: usize) -> String {
        if i == 3 {
            // Every company has a customer whose name needs an escaped quote in a filter.
            "O'Brien & Zonen B.V.".to_string()
        } else if i >= customers {
            self.suppliers
                .get(i - customers)
                .cloned()
                .unwrap_or_else(|| format!("Leverancier {i}"))
        } else {
            self.customers
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("Klant {i}"))
        }
    }
}

struct Address {
    city: &'static str,
    country: &'static str,
    postcode: String,
    phone: String,
}

impl Address {
    /// Mostly Dutch; some suppliers are Belgian or German.
    fn draw(rng: &mut Rng, supplier: bool) -> Address {
        let (city, country, postcode, phone) = if supplier && rng.chance(15) {
            let (city, country, postcode) = *rng.pick(FOREIGN_CITIES);
            let phone = if country == "BE" {
                format!("+32 3 {}", rng.digits(7))
            } else {
                format!("+49 211 {}", rng.digits(7))
            };
            (city, country, postcode.to_string(), phone)
        } else {
            let (city, base, area) = *rng.pick(CITIES);
            let postcode = format!(
                "{} {}{}",
                base + rng.below(60) as u32,
                char::from(b'A' + rng.below(26) as u8),
                char::from(b'A' + rng.below(26) as u8)
            );
            let phone = format!("{area}-{}", rng.digits(10 - area.len()));
            (city, "NL", postcode, phone)
        };
        Address {
            city,
            country,
            postcode,
            phone,
        }
    }
}

fn row(
    books: &Books,
    rng: &mut Rng,
    acct: &Acct,
    address: Address,
    status: &str,
    supplier: bool,
) -> Row {
    let Address {
        city,
        country,
        postcode,
        phone,
    } = address;
    let created = books.first_day + rng.between(0, 364);
    let modified = created + rng.between(0, 600).min(books.last_day - created);
    let vat = format!("{country}{}B01", rng.digits(9));
    let kvk = rng.digits(8);
    let domain = &acct.domain;
    obj(json!({
        "ID": acct.id,
        "Code": acct.code,
        "Name": acct.name,
        "AddressLine1": format!("{} {}", rng.pick(STREETS), 1 + rng.below(180)),
        "Postcode": postcode,
        "City": city,
        "Country": country,
        "Email": format!("info@{domain}"),
        "Phone": phone,
        "Website": if rng.chance(70) { json!(format!("www.{domain}")) } else { Value::Null },
        "Status": status,
        "IsSales": status == "C",
        "IsSupplier": supplier,
        "IsPurchase": supplier,
        "Blocked": rng.chance(4),
        "VATNumber": if country == "NL" && rng.chance(10) { Value::Null } else { json!(vat) },
        "ChamberOfCommerce": if country == "NL" { json!(kvk) } else { Value::Null },
        "PaymentConditionSales": books.trade.payment_days.to_string(),
        "CreditLineSales": money(if supplier { 0 } else { rng.between(10, 200) * 100_000 }),
        "Created": date(created),
        "Modified": date(modified),
        "Division": books.division,
    }))
}
