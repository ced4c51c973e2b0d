//! `crm/Contacts`: each account's main contact first, then extra colleagues at random accounts.

use super::{
    Books,
    accounts::Acct,
    random::{Rng, guid},
    trades::SURNAMES,
    values::{date, obj, slug},
};
use crate::odata::Row;
use serde_json::json;

pub(super) const FIRST_NAMES: &[&str] = &[
    "Anna", "Bram", "Chantal", "Daan", "Eva", "Finn", "Gerda", "Hans", "Iris", "Joost", "Kim",
    "Lars", "Marieke", "Niels", "Olga", "Pieter", "Rianne", "Sem", "Tess", "Wouter", "Yvonne",
    "Zoë",
];

const JOB_TITLES: &[&str] = &[
    "Directeur",
    "Eigenaar",
    "Inkoper",
    "Financieel medewerker",
    "Office manager",
    "Bedrijfsleider",
    "Projectleider",
    "Boekhouder",
];

pub(super) fn generate(books: &Books, rng: &mut Rng, accounts: &[Acct]) -> Vec<Row> {
    let s = books.trade.sizes;
    let division = books.division;
    (0..s.contacts)
        .map(|i| {
            let a = if i < s.accounts {
                i
            } else {
                rng.below(s.accounts)
            };
            let acct = &accounts[a];
            let (first, last) = (*rng.pick(FIRST_NAMES), *rng.pick(SURNAMES));
            let created = books.first_day + rng.between(0, 500);
            obj(json!({
                "ID": guid(division, "contact", i),
                "Account": acct.id,
                "AccountName": acct.name,
                "FirstName": first,
                "LastName": last,
                "FullName": format!("{first} {last}"),
                "Email": format!("{}.{}@{}", slug(first), slug(last).replace('-', ""), acct.domain),
                "Phone": format!("0{}-{}", 10 + rng.below(80), rng.digits(7)),
                "Mobile": format!("06-{}", rng.digits(8)),
                "JobTitleDescription": *rng.pick(JOB_TITLES),
                "IsMainContact": i < s.accounts,
                "Created": date(created),
                "Modified": date(created + rng.between(0, 200)),
                "Division": division,
            }))
        })
        .collect()
}
