//! Who is calling: passwords, browser sessions, the authorization guards and CSRF checks.

pub mod guard;
pub mod password;
pub mod return_to;
pub mod secret_token;
pub mod session;
