//! The four fictional companies: the bottom of the crate, which the data and the query read.

/// A demo company (Exact "division").
#[derive(Debug, Clone, Copy)]
pub struct Company {
    pub division: i64,
    pub name: &'static str,
}

/// The four fictional companies every simulated Exact user has.
pub const COMPANIES: [Company; 4] = [
    Company {
        division: 101,
        name: "Bakkerij De Gouden Korst B.V.",
    },
    Company {
        division: 202,
        name: "Pixelwerk IT Diensten B.V.",
    },
    Company {
        division: 303,
        name: "Advocatenkantoor Van Dam & Partners",
    },
    Company {
        division: 404,
        name: "Bouwbedrijf Stevig Fundament B.V.",
    },
];

/// The modules a demo company's licence lacks: a bakery runs no projects, a builder sells no
/// subscriptions. Their endpoints answer 403, as Exact's do.
const LACKING: [(i64, &str); 2] = [(101, "Projects"), (404, "Subscriptions")];

/// Whether the licence of demo company `division` includes `module` (as the entity sets name it).
pub fn has_module(division: i64, module: &str) -> bool {
    !LACKING
        .iter()
        .any(|(d, m)| *d == division && m.eq_ignore_ascii_case(module))
}
