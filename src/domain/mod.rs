//! Plain types shared by the UI and the server. Compiles to wasm: no tokio, sqlx or leptos here,
//! and never a secret or a hash.

mod account;
mod connection;
mod plan;

pub use account::{
    AccountStatus, Email, InvalidEmail, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, Me,
    PasswordProblem, Problem, Role, check_password,
};
pub use connection::{ConnectionStatus, ConnectionSummary, DivisionSummary, Region, format_utc};
pub use plan::{Plan, UnknownPlan};
