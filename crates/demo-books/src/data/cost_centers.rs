//! `hrm/Costcenters`: the departments a company books its revenue and costs to. The ledger puts a
//! cost centre on every profit-and-loss line, so a P&L per cost centre adds up to the whole P&L.

use super::{
    Books,
    random::guid,
    values::{date, obj},
};
use crate::odata::Row;
use serde_json::json;

/// A cost centre: (code, description, active).
pub(super) type CostCenter = (&'static str, &'static str, bool);

/// Where lines no department earns or spends go (depreciation, general costs).
pub(super) const GENERAL: usize = 3;

/// The cost centres of a company: three departments, the general one, and a closed one that no
/// line is booked to.
pub(super) fn of(division: i64) -> &'static [CostCenter] {
    match division {
        101 => &[
            ("100", "Winkel Centrum", true),
            ("200", "Bakkerij productie", true),
            ("300", "Horecaleveringen", true),
            ("900", "Algemeen", true),
            ("400", "Markt (gestopt)", false),
        ],
        202 => &[
            ("100", "Consultancy", true),
            ("200", "Projecten", true),
            ("300", "Beheer en licenties", true),
            ("900", "Algemeen", true),
            ("400", "Opleidingen", false),
        ],
        303 => &[
            ("100", "Ondernemingsrecht", true),
            ("200", "Arbeidsrecht", true),
            ("300", "Familierecht", true),
            ("900", "Algemeen", true),
            ("400", "Fiscaal recht", false),
        ],
        _ => &[
            ("100", "Nieuwbouw", true),
            ("200", "Renovatie", true),
            ("300", "Onderhoud", true),
            ("900", "Algemeen", true),
            ("400", "Utiliteitsbouw", false),
        ],
    }
}

/// The department an entry booked to the `account`-th relation goes to.
pub(super) fn for_account(division: i64, account: usize) -> CostCenter {
    of(division)[account % GENERAL]
}

/// The general cost centre.
pub(super) fn general(division: i64) -> CostCenter {
    of(division)[GENERAL]
}

pub(super) fn rows(books: &Books) -> Vec<Row> {
    of(books.division)
        .iter()
        .enumerate()
        .map(|(n, (code, description, active))| {
            obj(json!({
                "ID": guid(books.division, "costcenter", n),
                "Code": code,
                "Description": description,
                // Obsolete in Exact's documentation, still sent; `EndDate` says it.
                "Active": active,
                "EndDate": (!active).then(|| date(books.first_day + 180)),
                "Created": date(books.first_day - 365),
                "Modified": date(books.first_day - 365),
                "Division": books.division,
            }))
        })
        .collect()
}
