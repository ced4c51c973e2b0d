//! The demo companies' books, as Exact Online would serve them, and the OData engine that queries
//! them. Pure (no HTTP, no runtime, no clock): the product serves them to demo keys in production,
//! and the Exact simulator (`exact-sim`, development only) serves the same rows over HTTP, so one
//! set of rows and one query engine back both.
//!
//! - [`data`]: entity sets with Exact's field names and deterministic rows per company.
//! - [`odata`]: `$select`, `$filter`, `$top`, `$orderby` and `$skiptoken` as Exact accepts them.
//! - [`query`]: one call that applies the query options to an entity set in process.

mod companies;
pub mod data;
mod dates;
mod local;
pub mod odata;

pub use companies::{COMPANIES, Company, has_module};
pub use data::{EXACT_SITE, Sizes, attachment, media_type, sizes};
pub use dates::{DAY_MS, civil_from_days, days_from_civil, exact_date, parse_exact_date};
pub use local::{LocalError, query};

/// The simulated Exact user who owns the demo companies.
pub const DEMO_USER_ID: &str = "4f1c2a9e-5b7d-4e3a-9c1f-2d8b6a7e0c11";
pub const DEMO_USER_NAME: &str = "Sanne de Vries";
pub const DEMO_USER_EMAIL: &str = "sanne@gouden-korst.example";

/// Rows per page of a list, as Exact pages them.
pub const PAGE_SIZE: usize = 60;
