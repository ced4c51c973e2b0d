//! Kept only for the Exact simulator (`src/sim`), which borrows the product's HTML escaping by
//! this path; the escaping itself lives in [`crate::server::plain_html`]. Goes when the simulator
//! moves into its own crate.

pub use crate::server::plain_html::escape_html;
