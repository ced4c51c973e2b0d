//! The company's own people: project managers, the employees who write hours, the owners of
//! opportunities and the sales people on quotations and orders. Exact names them by GUID with a
//! full name beside it; there is no entity set of them in the demo.

use super::{
    Books,
    contacts::FIRST_NAMES,
    random::{Rng, guid},
    trades::SURNAMES,
};

/// An employee (an Exact user of the administration).
#[derive(Clone)]
pub(super) struct Person {
    pub(super) id: String,
    pub(super) name: String,
}

/// Five to seven people, the same in every process.
pub(super) fn staff(books: &Books) -> Vec<Person> {
    let mut rng = Rng::new(books.division as u64 * 1_000 + 3);
    let count = 5 + (books.division % 3) as usize;
    (0..count)
        .map(|i| Person {
            id: guid(books.division, "employee", i),
            name: format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(SURNAMES)),
        })
        .collect()
}
