//! Plain Axum routes and the middleware stack around everything, pages included.

mod account_export;
mod assets;
mod audit_export;
mod authorization;
mod consent;
mod dev;
mod headers;
mod health;
mod lang;
pub mod oauth;
mod shell;
#[cfg(feature = "simulator")]
pub mod simulator;
mod timeout;
mod usage;

use super::{auth::guard, client_addr, plain_html, request_id::REQUEST_ID, state::AppState};
use crate::ui::App;
use axum::{Router, extract::DefaultBodyLimit, middleware, routing::get};
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer},
};
use tracing::Level;

/// The whole application: pages, health, static files and the middleware around them.
/// `extra` lets tests mount probe routes inside the same stack.
pub fn router(state: AppState, extra: Option<Router<AppState>>) -> Router {
    let routes = generate_route_list(App);
    let mut app = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route(
            "/dashboard/settings/export.json",
            get(account_export::export),
        )
        .route("/admin/audit/export.csv", get(audit_export::export))
        .route("/lang/{code}", get(lang::switch))
        .route("/api/usage", get(usage::usage))
        .route("/connect/exact", get(oauth::connect))
        .route("/oauth/exact/callback", get(oauth::callback))
        .merge(crate::server::mcp::routes(&state))
        .merge(authorization::routes())
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || leptos::prelude::provide_context(state.clone())
            },
            {
                let options = state.leptos_options.clone();
                move || shell::shell(options.clone())
            },
        );
    if state.settings.dev_outbox_enabled() {
        app = app.route("/dev/outbox", get(dev::outbox));
    }
    #[cfg(feature = "simulator")]
    if matches!(state.settings.exact, super::config::ExactMode::Simulator)
        && !state.settings.is_production()
    {
        app = app.nest_service("/sim/exact", simulator::router(&state));
        // A handler that panics, so the browser tests see the 500 page a real fault gives.
        app = app.route("/dev/panic", get(dev::panic));
    }
    if let Some(extra) = extra {
        app = app.merge(extra);
    }
    let app = app
        .fallback_service(assets::service(state.clone()))
        .with_state(state.clone());
    let guard_state = state.clone();
    let site_options = state.leptos_options.clone();

    let max_body = state.settings.max_body_bytes;
    // Outermost first: the request id and the client's address exist before anything logs,
    // panics become the 500 page inside the trace span (in the request's language), and security
    // headers are set on every response, errors included.
    let stack = ServiceBuilder::new()
        .layer(middleware::from_fn(headers::sanitize_request_id))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            client_addr::middleware,
        ))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(headers::request_span)
                .on_request(())
                .on_response(DefaultOnResponse::new().level(Level::INFO))
                .on_failure(DefaultOnFailure::new().level(Level::ERROR)),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(middleware::from_fn_with_state(
            state,
            headers::security_headers,
        ))
        .layer(middleware::from_fn_with_state(
            site_options,
            plain_html::localize_internal_error,
        ))
        .layer(CatchPanicLayer::custom(plain_html::panic_response))
        .layer(middleware::from_fn(timeout::bounded))
        .layer(middleware::from_fn_with_state(
            guard_state.clone(),
            guard::same_origin_only,
        ))
        .layer(middleware::from_fn_with_state(
            guard_state,
            guard::protect_pages,
        ))
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(max_body))
        .layer(DefaultBodyLimit::max(max_body));
    app.layer(stack)
}
