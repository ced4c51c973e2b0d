//! The landing page: what exact-mcp is, how it works, which tools it offers, what it costs, and
//! how it keeps a company's books safe. Interactive parts: "Try it" (a demo key for the fictional
//! companies, no account needed) and the plan estimator.

use super::account::error_text;
use super::copy::CopyButton;
use super::keys::Snippet;
use crate::api::keys::{CreateDemoKey, DemoKey};
use crate::domain::{Plan, TOOL_COUNT, claude_code_snippet, format_utc};
use crate::i18n::{Texts, use_texts};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn LandingPage() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=t.landing.title/>
        <Meta name="description" content=t.landing.description/>
        <Hero/>
        <TryIt/>
        <HowItWorks/>
        <Tools/>
        <Pricing/>
        <Security/>
    }
}

#[component]
fn Hero() -> impl IntoView {
    let t = use_texts();
    view! {
        <section class="bg-gradient-to-b from-emerald-50 to-white dark:from-slate-900 dark:to-slate-950">
            <div class="mx-auto max-w-6xl px-4 py-20 md:py-28">
                <p class="text-sm font-semibold uppercase tracking-wide text-emerald-700 dark:text-emerald-400">{t.landing.hero_kicker}</p>
                <h1 class="mt-3 max-w-3xl text-4xl font-bold tracking-tight text-slate-900 md:text-5xl dark:text-white">
                    {t.landing.hero_heading}
                </h1>
                <p class="mt-6 max-w-2xl text-lg text-slate-600 dark:text-slate-300">
                    {t.landing.hero_lead}
                </p>
                <div class="mt-8 flex flex-wrap gap-3">
                    <a href="#try" class="rounded-md bg-emerald-600 px-5 py-2.5 font-medium text-white shadow-sm hover:bg-emerald-700">{t.landing.hero_cta_try}</a>
                    <a href="#how-it-works" class="rounded-md border border-slate-300 px-5 py-2.5 font-medium text-slate-700 hover:bg-slate-50 dark:border-slate-700 dark:text-slate-200 dark:hover:bg-slate-900">{t.landing.hero_cta_how}</a>
                    <a href="#pricing" class="rounded-md border border-slate-300 px-5 py-2.5 font-medium text-slate-700 hover:bg-slate-50 dark:border-slate-700 dark:text-slate-200 dark:hover:bg-slate-900">{t.landing.hero_cta_pricing}</a>
                </div>
            </div>
        </section>
    }
}

/// "Try it": a short-lived key for the simulator's fictional companies, the MCP URL and the Claude
/// Code command with both filled in.
#[component]
fn TryIt() -> impl IntoView {
    let t = use_texts();
    let demo = ServerAction::<CreateDemoKey>::new();
    view! {
        <section id="try" class="mx-auto max-w-6xl scroll-mt-20 px-4 py-16">
            <h2 class="text-2xl font-bold text-slate-900 dark:text-white">{t.landing.try_heading}</h2>
            <p class="mt-2 max-w-2xl text-slate-600 dark:text-slate-400">{t.landing.try_lead}</p>
            <ActionForm action=demo attr:class="mt-6">
                <button id="try-demo" type="submit" class="rounded-md bg-emerald-600 px-5 py-2.5 font-medium text-white shadow-sm hover:bg-emerald-700">{t.landing.try_button}</button>
            </ActionForm>
            {move || demo.value().get().map(|r| match r {
                Ok(issued) => view! { <DemoKeyCard demo=issued t/> }.into_any(),
                Err(e) => view! { <p id="demo-message" role="alert" class="mt-4 text-red-600">{error_text(t, &e)}</p> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn DemoKeyCard(demo: DemoKey, t: &'static Texts) -> impl IntoView {
    let DemoKey {
        key,
        expires_at,
        mcp_url,
    } = demo;
    let command = claude_code_snippet(&mcp_url, &key);
    let (key_text, url_text, command_text) = (key.clone(), mcp_url.clone(), command);
    let dd = "mt-1 flex flex-wrap items-center gap-3";
    let code = "break-all rounded-md bg-slate-100 px-3 py-2 font-mono text-sm select-all dark:bg-slate-900";
    view! {
        <div id="demo" class="mt-6 space-y-5 rounded-xl border border-emerald-300 bg-emerald-50/50 p-6 dark:border-emerald-800 dark:bg-slate-900">
            <p id="demo-note" class="text-sm font-medium text-slate-700 dark:text-slate-300">{t.landing.demo_note}</p>
            <dl class="space-y-4">
                <div>
                    <dt class="text-sm font-medium">{t.landing.demo_key_label}</dt>
                    <dd class=dd>
                        <code id="demo-key" class=code>{key}</code>
                        <CopyButton text=Signal::derive(move || key_text.clone()) copy_for="demo-key"/>
                    </dd>
                </div>
                <div>
                    <dt class="text-sm font-medium">{t.setup.mcp_url_label}</dt>
                    <dd class=dd>
                        <code id="demo-mcp-url" class=code>{mcp_url}</code>
                        <CopyButton text=Signal::derive(move || url_text.clone()) copy_for="demo-mcp-url"/>
                    </dd>
                </div>
                <div>
                    <dt class="text-sm font-medium">{t.landing.demo_valid_until}</dt>
                    <dd id="demo-expires" class="mt-1 text-sm">{format_utc(expires_at)}</dd>
                </div>
            </dl>
            <Snippet id="demo-snippet-claude-code" title=t.setup.snippet_claude_code_title hint=t.setup.snippet_claude_code_hint
                text=Signal::derive(move || command_text.clone())/>
        </div>
    }
}

#[component]
fn HowItWorks() -> impl IntoView {
    let t = use_texts();
    view! {
        <section id="how-it-works" class="mx-auto max-w-6xl scroll-mt-20 px-4 py-16">
            <h2 class="text-2xl font-bold text-slate-900 dark:text-white">{t.landing.how_heading}</h2>
            <ol class="mt-8 grid gap-6 md:grid-cols-3">
                {t.landing.how_steps
                    .into_iter()
                    .enumerate()
                    .map(|(i, (title, text))| view! {
                        <li class="rounded-xl border border-slate-200 p-6 dark:border-slate-800">
                            <span class="inline-flex h-8 w-8 items-center justify-center rounded-full bg-emerald-100 font-semibold text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200">{i + 1}</span>
                            <h3 class="mt-4 font-semibold text-slate-900 dark:text-white">{title}</h3>
                            <p class="mt-2 text-slate-600 dark:text-slate-400">{text}</p>
                        </li>
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn Tools() -> impl IntoView {
    let t = use_texts();
    view! {
        <section id="tools" class="scroll-mt-20 bg-slate-50 py-16 dark:bg-slate-900">
            <div class="mx-auto max-w-6xl px-4">
                <p class="text-sm font-semibold uppercase tracking-wide text-emerald-700 dark:text-emerald-400">{t.landing.tools_count(TOOL_COUNT)}</p>
                <h2 class="text-2xl font-bold text-slate-900 dark:text-white">{t.landing.tools_heading}</h2>
                <p class="mt-2 max-w-2xl text-slate-600 dark:text-slate-400">{t.landing.tools_lead}</p>
                <ul class="mt-8 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
                    {t.landing.tools
                        .into_iter()
                        .map(|(title, text)| view! {
                            <li class="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200 dark:bg-slate-950 dark:ring-slate-800">
                                <h3 class="font-semibold text-slate-900 dark:text-white">{title}</h3>
                                <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">{text}</p>
                            </li>
                        })
                        .collect_view()}
                </ul>
            </div>
        </section>
    }
}

#[component]
fn Pricing() -> impl IntoView {
    let t = use_texts();
    view! {
        <section id="pricing" class="mx-auto max-w-6xl scroll-mt-20 px-4 py-16">
            <h2 class="text-2xl font-bold text-slate-900 dark:text-white">{t.landing.plans_heading}</h2>
            <div class="mt-8 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
                {Plan::ALL
                    .into_iter()
                    .map(|plan| {
                        let divisions = plan
                            .max_active_divisions()
                            .map_or(t.landing.unlimited_divisions.to_string(), |n| t.landing.active_divisions(n));
                        view! {
                            <div class="rounded-xl border border-slate-200 p-6 dark:border-slate-800">
                                <h3 class="text-lg font-semibold text-slate-900 dark:text-white">{plan.display_name()}</h3>
                                <ul class="mt-4 space-y-2 text-sm text-slate-600 dark:text-slate-400">
                                    <li>{t.landing.plan_quota(plan)}</li>
                                    <li>{t.landing.calls_per_minute(plan.rate_limit_per_minute())}</li>
                                    <li>{divisions}</li>
                                </ul>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
            <PlanEstimator/>
        </section>
    }
}

/// Type the tool calls you expect per month and see the plan that covers them.
#[component]
fn PlanEstimator() -> impl IntoView {
    let calls = RwSignal::new(100_u64);
    let recommended = Memo::new(move |_| Plan::cheapest_for(calls.get()));
    let t = use_texts();
    view! {
        <div class="mt-10 rounded-xl bg-emerald-50 p-6 dark:bg-slate-900">
            <label for="plan-calls" class="block font-medium text-slate-900 dark:text-white">{t.landing.estimator_label}</label>
            <div class="mt-3 flex flex-wrap items-center gap-4">
                <input
                    id="plan-calls"
                    type="number"
                    min="0"
                    step="50"
                    inputmode="numeric"
                    class="w-40 rounded-md border border-slate-300 bg-white px-3 py-2 text-slate-900 focus:border-emerald-500 focus:outline-none focus:ring-2 focus:ring-emerald-500 dark:border-slate-700 dark:bg-slate-950 dark:text-white"
                    prop:value=move || calls.get().to_string()
                    on:input=move |ev| {
                        // An empty or invalid field counts as zero rather than keeping a stale figure.
                        calls.set(event_target_value(&ev).trim().parse().unwrap_or(0));
                    }
                />
                <p id="plan-recommendation" class="text-slate-700 dark:text-slate-300" aria-live="polite">
                    {t.landing.recommended_plan}" "
                    <strong class="text-emerald-700 dark:text-emerald-400">{move || recommended.get().display_name()}</strong>
                    " ("{move || t.landing.plan_quota(recommended.get())}")"
                </p>
            </div>
        </div>
    }
}

#[component]
fn Security() -> impl IntoView {
    let t = use_texts();
    view! {
        <section id="security" class="scroll-mt-20 bg-slate-50 py-16 dark:bg-slate-900">
            <div class="mx-auto max-w-6xl px-4">
                <h2 class="text-2xl font-bold text-slate-900 dark:text-white">{t.landing.security_heading}</h2>
                <div class="mt-8 grid gap-6 md:grid-cols-3">
                    {t.landing.security_points
                        .into_iter()
                        .map(|(title, text)| view! {
                            <div>
                                <h3 class="font-semibold text-slate-900 dark:text-white">{title}</h3>
                                <p class="mt-2 text-slate-600 dark:text-slate-400">{text}</p>
                            </div>
                        })
                        .collect_view()}
                </div>
            </div>
        </section>
    }
}
