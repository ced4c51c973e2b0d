//! `documents/Documents` and `documents/DocumentAttachments`, and the attachments' files. Every
//! tenth posted sales invoice has its PDF; the customers of the first subscriptions or projects
//! have a signed contract (text); there is a price list (CSV) and one large scanned drawing, over
//! any sensible size for a model to read. A file is made when it is asked for, from its ID alone.
//!
//! An attachment's `Url` is written relative (`/docs/SysAttachment.aspx?ID=…`): whoever serves
//! the row puts the host in front, as Exact serves it from its own site, outside `/api/v1`.

use super::{
    Books,
    accounts::Acct,
    entries::Entry,
    random::guid,
    values::{date, obj},
};
use crate::odata::Row;
use serde_json::json;

/// Exact's document types used here.
const SALES_INVOICE: (i64, &str) = (10, "Verkoopfactuur");
const CONTRACT: (i64, &str) = (55, "Contract");
const MISC: (i64, &str) = (183, "Overig");

/// The size of the scanned drawing: 3 MiB and a bit.
pub const LARGE_FILE_BYTES: usize = 3 * 1024 * 1024 + 517;

/// One attachment: its document, file name and what the file holds.
struct File {
    document: usize,
    name: String,
    body: Body,
}

#[derive(Clone)]
enum Body {
    Invoice {
        number: i64,
        customer: String,
        gross_cents: i64,
    },
    Contract {
        customer: String,
        day: i64,
    },
    PriceList,
    Drawing,
}

struct Doc {
    subject: String,
    kind: (i64, &'static str),
    account: Option<usize>,
    day: i64,
}

fn plan(
    books: &Books,
    accounts: &[Acct],
    sales: &[Entry],
    customers: &[usize],
) -> (Vec<Doc>, Vec<File>) {
    let mut docs = Vec::new();
    let mut files = Vec::new();
    for e in sales.iter().step_by(10) {
        files.push(File {
            document: docs.len(),
            name: format!("Factuur {}.pdf", e.number),
            body: Body::Invoice {
                number: e.number,
                customer: accounts[e.account].name.clone(),
                gross_cents: e.gross(),
            },
        });
        docs.push(Doc {
            subject: format!("Factuur {}", e.number),
            kind: SALES_INVOICE,
            account: Some(e.account),
            day: e.day,
        });
    }
    for (n, &c) in customers.iter().step_by(7).take(4).enumerate() {
        let day = books.first_day + 20 * n as i64;
        files.push(File {
            document: docs.len(),
            name: format!("Overeenkomst {}.txt", accounts[c].code),
            body: Body::Contract {
                customer: accounts[c].name.clone(),
                day,
            },
        });
        docs.push(Doc {
            subject: format!("Overeenkomst {}", accounts[c].name),
            kind: CONTRACT,
            account: Some(c),
            day,
        });
    }
    files.push(File {
        document: docs.len(),
        name: "Prijslijst 2026.csv".to_string(),
        body: Body::PriceList,
    });
    docs.push(Doc {
        subject: "Prijslijst 2026".to_string(),
        kind: MISC,
        account: None,
        day: books.last_day - 300,
    });
    files.push(File {
        document: docs.len(),
        name: "Scan tekening.tif".to_string(),
        body: Body::Drawing,
    });
    docs.push(Doc {
        subject: "Scan tekening".to_string(),
        kind: MISC,
        account: None,
        day: books.last_day - 30,
    });
    (docs, files)
}

/// `(documents, attachments, their files)`.
pub(super) fn rows(
    books: &Books,
    accounts: &[Acct],
    sales: &[Entry],
    customers: &[usize],
) -> (Vec<Row>, Vec<Row>, Vec<StoredFile>) {
    let (docs, files) = plan(books, accounts, sales, customers);
    let division = books.division;
    let doc_rows = docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let acct = d.account.map(|a| &accounts[a]);
            obj(json!({
                "ID": guid(division, "document", i),
                "Subject": d.subject,
                "Type": d.kind.0,
                "TypeDescription": d.kind.1,
                "Account": acct.map(|a| a.id.clone()),
                "AccountName": acct.map(|a| a.name.clone()),
                "DocumentDate": date(d.day),
                "Created": date(d.day),
                "Modified": date(d.day),
                "Division": division,
            }))
        })
        .collect();
    let attachment_rows = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let id = guid(division, "attachment", i);
            obj(json!({
                "ID": id,
                "Document": guid(division, "document", f.document),
                "FileName": f.name,
                "FileSize": content(books.division, &f.body).len() as f64,
                "Url": format!("/docs/SysAttachment.aspx?ID={id}&_Division_={division}"),
                "Division": division,
            }))
        })
        .collect();
    let stored = files
        .into_iter()
        .enumerate()
        .map(|(i, f)| StoredFile {
            id: guid(division, "attachment", i),
            name: f.name,
            body: f.body,
        })
        .collect();
    (doc_rows, attachment_rows, stored)
}

/// The bytes of a file.
fn content(division: i64, body: &Body) -> Vec<u8> {
    match body {
        Body::Invoice { number, customer, gross_cents } => {
            let text = format!(
                "Factuur {number}\nAan: {customer}\nTotaal incl. btw: EUR {},{:02}\n",
                gross_cents / 100,
                gross_cents % 100
            );
            pdf(&text)
        }
        Body::Contract { customer, day } => format!(
            "OVEREENKOMST\n\nPartijen: administratie {division} en {customer}.\nIngangsdatum: dag {day}.\nLooptijd: 12 maanden, stilzwijgend verlengd.\nOpzegtermijn: 1 maand.\n"
        )
        .into_bytes(),
        Body::PriceList => {
            let mut csv = String::from("code;omschrijving;prijs\n");
            for n in 1..=25 {
                csv.push_str(&format!("A{n:03};Artikel {n};{},{:02}\n", n * 7, n * 13 % 100));
            }
            csv.into_bytes()
        }
        Body::Drawing => {
            let mut bytes = b"II*\0".to_vec();
            bytes.extend((0..LARGE_FILE_BYTES - 4).map(|i| (i.wrapping_mul(31) % 251) as u8));
            bytes
        }
    }
}

/// A one-page PDF showing `text`: enough of the format for a reader to open.
fn pdf(text: &str) -> Vec<u8> {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('(', "\\(")
        .replace(')', "\\)");
    let lines: String = escaped.lines().map(|l| format!("({l}) Tj T* ")).collect();
    format!(
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj\n4 0 obj << >> stream\nBT /F1 12 Tf 14 TL 72 770 Td {lines}ET\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    .into_bytes()
}

/// An attachment's file as kept beside the rows: made into bytes when asked for.
pub(super) struct StoredFile {
    id: String,
    name: String,
    body: Body,
}

impl StoredFile {
    /// `(file name, bytes)` when this is attachment `id`.
    pub(super) fn read(&self, division: i64, id: &str) -> Option<(String, Vec<u8>)> {
        self.id
            .eq_ignore_ascii_case(id)
            .then(|| (self.name.clone(), content(division, &self.body)))
    }
}

/// The media type a file is served with, by its name's extension.
pub fn media_type(file_name: &str) -> String {
    mime_guess::from_path(file_name)
        .first_or_octet_stream()
        .essence_str()
        .to_string()
}
