//! Server functions: the only bridge from the UI to the server. Each one is a public endpoint
//! with a pinned URL; it authorizes first, then calls a service.

pub mod auth;
pub mod settings;
