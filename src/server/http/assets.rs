//! Static files from the site root (the wasm bundle, CSS, icons) with cache headers, and the
//! friendly 404 page for every path nothing else answers.

use super::shell::shell;
use crate::server::state::AppState;
use axum::{
    extract::Request,
    http::{HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::Response,
};
use std::convert::Infallible;
use tower::ServiceBuilder;
use tower_http::services::ServeDir;

pub fn service(
    state: AppState,
) -> impl tower::Service<Request, Response = Response, Error = Infallible, Future = impl Send + 'static>
+ Clone
+ Send
+ Sync
+ 'static {
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_to_stream_with_context(
        {
            let state = state.clone();
            move || leptos::prelude::provide_context(state.clone())
        },
        move || shell(options.clone()),
    );
    let not_found = tower::service_fn(move |req: Request| {
        let render = render.clone();
        async move { Ok::<_, Infallible>(render(req).await) }
    });
    let files = ServeDir::new(state.leptos_options.site_root.as_ref())
        .call_fallback_on_method_not_allowed(true)
        .fallback(not_found);
    ServiceBuilder::new()
        .layer(middleware::from_fn(cache_headers))
        .map_response(|res: Response<_>| res.map(axum::body::Body::new))
        .service(files)
}

/// The bundle in `/pkg` is not content-hashed, so browsers must revalidate it (cheap: ServeDir
/// answers 304 to If-Modified-Since); other assets (icons, robots.txt) may be cached for an hour.
async fn cache_headers(req: Request, next: Next) -> Response {
    let is_pkg = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    let cacheable = matches!(res.status(), StatusCode::OK | StatusCode::NOT_MODIFIED)
        && !res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("text/html"));
    if cacheable && !res.headers().contains_key(header::CACHE_CONTROL) {
        let policy = if is_pkg {
            "no-cache"
        } else {
            "public, max-age=3600"
        };
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    res
}
