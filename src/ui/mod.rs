//! Leptos components and pages, shared by the server render and the wasm hydration. Nothing here
//! touches the database or secrets: server functions are the only bridge to the server.

mod account;
mod admin;
mod admin_audit;
mod admin_jobs;
mod admin_tickets;
mod admin_user;
mod admin_users;
mod connections;
mod copy;
mod dashboard;
mod glance;
mod keys;
mod landing;
mod layout;
mod not_found;
mod notifications;
mod query;
mod support;
mod theme;
mod toast;
mod usage;

use crate::i18n::Lang;
use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::{
    StaticSegment,
    components::{Route, Router, Routes},
    path,
};

pub use landing::LandingPage;
pub use layout::Layout;
pub use not_found::NotFound;
pub use theme::theme_bootstrap_js;

/// The root component: meta context, router and the app shell around every page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(initial_lang());
    view! {
        <Title formatter=|page: String| if page.is_empty() { "exact-mcp".to_string() } else { format!("{page} · exact-mcp") } />
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=StaticSegment("") view=LandingPage/>
                    <Route path=path!("/login") view=account::LoginPage/>
                    <Route path=path!("/register") view=account::RegisterPage/>
                    <Route path=path!("/forgot-password") view=account::ForgotPasswordPage/>
                    <Route path=path!("/reset-password") view=account::ResetPasswordPage/>
                    <Route path=path!("/verify-email") view=account::VerifyEmailPage/>
                    <Route path=path!("/dashboard") view=|| view! { <dashboard::DashboardPage section=dashboard::DashboardSection::Overview/> }/>
                    <Route path=path!("/dashboard/connections") view=|| view! { <dashboard::DashboardPage section=dashboard::DashboardSection::Connections/> }/>
                    <Route path=path!("/dashboard/keys") view=|| view! { <dashboard::DashboardPage section=dashboard::DashboardSection::Keys/> }/>
                    <Route path=path!("/dashboard/usage") view=|| view! { <dashboard::DashboardPage section=dashboard::DashboardSection::Usage/> }/>
                    <Route path=path!("/dashboard/settings") view=|| view! { <dashboard::DashboardPage section=dashboard::DashboardSection::Settings/> }/>
                    <Route path=path!("/dashboard/support") view=|| view! { <dashboard::DashboardPage section=dashboard::DashboardSection::Support/> }/>
                    <Route path=path!("/admin") view=|| view! { <admin::AdminPage section=admin::AdminSection::Overview/> }/>
                    <Route path=path!("/admin/users") view=|| view! { <admin::AdminPage section=admin::AdminSection::Users/> }/>
                    <Route path=path!("/admin/users/:id") view=|| view! { <admin::AdminPage section=admin::AdminSection::User/> }/>
                    <Route path=path!("/admin/tickets") view=|| view! { <admin::AdminPage section=admin::AdminSection::Tickets/> }/>
                    <Route path=path!("/admin/audit") view=|| view! { <admin::AdminPage section=admin::AdminSection::Audit/> }/>
                    <Route path=path!("/admin/jobs") view=|| view! { <admin::AdminPage section=admin::AdminSection::Jobs/> }/>
                </Routes>
            </Layout>
        </Router>
    }
}

/// The language to render in: on the server, the request's (cookie, then `Accept-Language`); in
/// the browser, the one the server wrote into `<html lang>`, so hydration sees the same texts.
fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    let lang = crate::server::locale::current_lang();
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    let lang = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
        .and_then(|l| Lang::parse(&l))
        .unwrap_or_default();
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    let lang = Lang::default();
    lang
}
