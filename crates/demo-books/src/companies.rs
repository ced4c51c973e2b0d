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
