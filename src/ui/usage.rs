//! The usage dashboard: calls this month against the quota (with the 80 % mark), the current
//! rate-limit window, a 30-day chart (server-rendered SVG with a tooltip once hydrated), the
//! breakdowns by tool and by client and the latest calls. It polls its server function while the
//! page is open, so the figures move without a reload.

use super::account::error_text;
use crate::api::usage::{get_usage_overview, get_usage_summary};
use crate::domain::{
    CHART_HEIGHT, CHART_WIDTH, CallStatus, DailyUsage, RecentCall, UsageBreakdown, UsageSummary,
    chart_bars, format_utc,
};
use crate::i18n::{Texts, use_texts};
use leptos::prelude::*;
use std::time::Duration;

/// How often an open usage page asks for fresh figures (the issue allows at most 5 s).
pub const POLL_EVERY: Duration = Duration::from_secs(3);

const CARD: &str = "rounded-xl border border-slate-200 p-6 dark:border-slate-800";
const TH: &str = "px-3 py-2 text-left font-semibold";
const TD: &str = "px-3 py-2";

/// A counter that goes up every `period` while the component lives, in the browser only (the
/// server renders once). Resources keyed on it refetch on each tick.
pub fn use_poll(period: Duration) -> ReadSignal<u64> {
    let (tick, set_tick) = signal(0u64);
    #[cfg(feature = "hydrate")]
    {
        if let Ok(handle) = set_interval_with_handle(move || set_tick.update(|n| *n += 1), period) {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (period, set_tick);
    tick
}

#[component]
pub fn UsagePanel() -> impl IntoView {
    let t = use_texts();
    let tick = use_poll(POLL_EVERY);
    let overview = Resource::new(move || tick.get(), |_| get_usage_overview());
    // Outside the refreshed content, so a tooltip stays put while the figures update.
    let hovered = RwSignal::new(None::<usize>);
    view! {
        <div class="mt-8 space-y-8">
            <p class="text-slate-600 dark:text-slate-400">{t.usage.lead}</p>
            <Transition fallback=move || view! { <p class="text-slate-500">{t.common.loading}</p> }>
                {move || overview.get().map(|r| match r {
                    Ok(o) => {
                        let calls = o.summary.calls_this_month.to_string();
                        view! {
                        <div id="usage" class="space-y-8" data-calls=calls>
                            <div class="grid gap-6 lg:grid-cols-2">
                                <MonthCard s=o.summary.clone() t/>
                                <RateCard s=o.summary t/>
                            </div>
                            <Chart days=o.days hovered t/>
                            <div class="grid gap-6 lg:grid-cols-2">
                                <Breakdown id="by-tool" heading=t.usage.by_tool_heading label=t.usage.col_tool rows=o.by_tool t/>
                                <Breakdown id="by-client" heading=t.usage.by_client_heading label=t.usage.col_client rows=o.by_client t/>
                            </div>
                            <Recent calls=o.recent t/>
                        </div>
                    }.into_any()
                    }
                    Err(e) => view! { <p role="alert" class="text-red-600">{error_text(t, &e)}</p> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

/// The month against the quota: a bar (SVG, so the page's CSP needs no inline styles) with a
/// mark at 80 %, where the first warning goes out.
#[component]
pub(super) fn MonthCard(s: UsageSummary, t: &'static Texts) -> impl IntoView {
    let pct = s.percent_used();
    let reset_day = format_utc(s.quota_resets_at)
        .split(' ')
        .next()
        .unwrap_or_default()
        .to_string();
    let fill = if pct >= 100 {
        "fill-red-500"
    } else if pct >= 80 {
        "fill-amber-500"
    } else {
        "fill-emerald-500"
    };
    view! {
        <section aria-labelledby="month-heading" class=CARD>
            <h2 id="month-heading" class="text-lg font-semibold">{t.usage.month_heading}</h2>
            <p class="mt-3 flex flex-wrap items-baseline gap-2">
                <span id="calls-this-month" class="text-3xl font-bold text-slate-900 dark:text-white">{s.calls_this_month.to_string()}</span>
                <span id="quota" class="text-sm text-slate-600 dark:text-slate-400">
                    {match s.quota { Some(q) => t.usage.of_quota(q), None => t.usage.unlimited.to_string() }}
                </span>
            </p>
            {s.quota.map(|_| view! {
                <svg id="quota-bar" class="mt-4 h-4 w-full" viewBox="0 0 100 10" preserveAspectRatio="none"
                    role="progressbar" aria-label=t.usage.calls_this_month aria-valuemin="0" aria-valuemax="100"
                    aria-valuenow=pct.to_string() data-percent=pct.to_string()>
                    <rect x="0" y="2" width="100" height="6" rx="1" class="fill-slate-200 dark:fill-slate-800"/>
                    <rect id="quota-fill" x="0" y="2" width=pct.to_string() height="6" rx="1" class=fill/>
                    <rect id="quota-marker" x="79.6" y="0" width="0.8" height="10" class="fill-slate-700 dark:fill-slate-300"/>
                </svg>
                <div class="mt-1 flex justify-end pr-[20%] text-xs text-slate-500">
                    <span>{t.usage.warning_marker}</span>
                </div>
            })}
            <p class="mt-3 text-sm text-slate-600 dark:text-slate-400">{t.usage.resets_on(&reset_day)}</p>
            {(s.quota.is_some() && pct >= 80).then(|| view! {
                <p class="mt-2 text-sm font-medium text-amber-800 dark:text-amber-300">{t.usage.upgrade_hint}</p>
            })}
        </section>
    }
}

#[component]
fn RateCard(s: UsageSummary, t: &'static Texts) -> impl IntoView {
    let r = s.rate_limit;
    view! {
        <section aria-labelledby="rate-heading" class=CARD>
            <h2 id="rate-heading" class="text-lg font-semibold">{t.usage.rate_heading}</h2>
            <p id="rate-limit" class="mt-3 text-slate-900 dark:text-white" data-remaining=r.remaining.to_string() data-limit=r.limit.to_string()>
                {t.usage.rate_state(r.remaining, r.limit)}
            </p>
            <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">
                {t.usage.rate_resets}" " <span id="rate-reset">{format_utc(r.reset)}</span>
            </p>
        </section>
    }
}

/// Thirty bars, one per day, failed calls in red on top of the rest. The server draws it; once
/// hydrated, hovering or focusing a bar shows that day's figures in a tooltip.
#[component]
pub(super) fn Chart(
    days: Vec<DailyUsage>,
    hovered: RwSignal<Option<usize>>,
    t: &'static Texts,
) -> impl IntoView {
    let bars = chart_bars(&days);
    // Room above the bars for the tooltip.
    const TOP: f64 = 34.0;
    let view_box = format!("0 0 {CHART_WIDTH} {}", CHART_HEIGHT + TOP);
    let first = days.first().map(|d| d.day.clone()).unwrap_or_default();
    let last = days.last().map(|d| d.day.clone()).unwrap_or_default();
    let summaries: Vec<String> = days
        .iter()
        .map(|d| t.usage.day_summary(&d.day, d.calls, d.errors, d.rejected))
        .collect();
    let slot = CHART_WIDTH / days.len().max(1) as f64;
    let tooltip = {
        let summaries = summaries.clone();
        move || {
            hovered
                .get()
                .and_then(|i| summaries.get(i).cloned().map(|text| (i, text)))
        }
    };
    view! {
        <section aria-labelledby="chart-heading" class=CARD>
            <h2 id="chart-heading" class="text-lg font-semibold">{t.usage.chart_heading}</h2>
            <svg id="usage-chart" class="mt-4 h-48 w-full" viewBox=view_box preserveAspectRatio="none" role="group" aria-label=t.usage.chart_label
                on:mouseleave=move |_| hovered.set(None)>
                <line x1="0" x2=CHART_WIDTH.to_string() y1=(CHART_HEIGHT + TOP).to_string() y2=(CHART_HEIGHT + TOP).to_string() class="stroke-slate-300 dark:stroke-slate-700"/>
                {bars.into_iter().zip(days).zip(summaries).enumerate().map(|(i, ((b, d), summary))| view! {
                    <g class="usage-bar" data-day=d.day.clone() data-calls=d.calls.to_string() data-errors=d.errors.to_string()
                        tabindex="0" role="img" aria-label=summary
                        on:mouseenter=move |_| hovered.set(Some(i))
                        on:focus=move |_| hovered.set(Some(i))
                        on:blur=move |_| hovered.set(None)>
                        // A full-height target, so thin days are easy to point at.
                        <rect x=(i as f64 * slot).to_string() y=TOP.to_string() width=slot.to_string() height=CHART_HEIGHT.to_string() class="fill-transparent hover:fill-slate-100 dark:hover:fill-slate-900"/>
                        <rect x=b.x.to_string() y=(b.y + TOP).to_string() width=b.width.to_string() height=b.height.to_string() class="fill-emerald-500"/>
                        <rect x=b.x.to_string() y=(b.error_y + TOP).to_string() width=b.width.to_string() height=b.error_height.to_string() class="fill-red-500"/>
                    </g>
                }).collect_view()}
                {move || tooltip().map(|(i, text)| {
                    // Keep the box inside the chart at both ends.
                    let width = 300.0_f64;
                    let centre = (i as f64 + 0.5) * slot;
                    let x = (centre - width / 2.0).clamp(0.0, CHART_WIDTH - width);
                    view! {
                        <g id="chart-tooltip" role="tooltip" class="pointer-events-none">
                            <rect x=x.to_string() y="2" width=width.to_string() height="26" rx="4" class="fill-slate-900 dark:fill-slate-100"/>
                            <text x=(x + width / 2.0).to_string() y="19" text-anchor="middle" class="fill-white text-[12px] dark:fill-slate-900">{text}</text>
                        </g>
                    }
                })}
            </svg>
            <div class="mt-1 flex justify-between text-xs text-slate-500">
                <span>{first}</span>
                <span>{last}</span>
            </div>
        </section>
    }
}

#[component]
fn Breakdown(
    id: &'static str,
    heading: &'static str,
    label: &'static str,
    rows: Vec<UsageBreakdown>,
    t: &'static Texts,
) -> impl IntoView {
    let heading_id = format!("{id}-heading");
    let labelled_by = heading_id.clone();
    view! {
        <section aria-labelledby=labelled_by class=CARD>
            <h2 id=heading_id class="text-lg font-semibold">{heading}</h2>
            {if rows.is_empty() {
                view! { <p class="mt-3 text-sm text-slate-500">{t.usage.none}</p> }.into_any()
            } else {
                view! {
                    <table id=id class="mt-3 min-w-full text-sm">
                        <thead>
                            <tr>
                                <th scope="col" class=TH>{label}</th>
                                <th scope="col" class=TH>{t.usage.col_calls}</th>
                                <th scope="col" class=TH>{t.usage.col_errors}</th>
                                <th scope="col" class=TH>{t.usage.col_latency}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|r| {
                                let name = if r.label.is_empty() { t.usage.unknown_client.to_string() } else { r.label };
                                let data_label = name.clone();
                                view! {
                                    <tr class="breakdown-row border-t border-slate-200 dark:border-slate-800" data-label=data_label data-calls=r.calls.to_string()>
                                        <td class=TD><code class="font-mono text-xs">{name}</code></td>
                                        <td class=TD>{r.calls.to_string()}</td>
                                        <td class=TD>{r.errors.to_string()}</td>
                                        <td class=TD>{format!("{} ms", r.avg_latency_ms)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

fn status_text(t: &'static Texts, call: &RecentCall) -> String {
    let status = match call.status {
        CallStatus::Ok => t.usage.status_ok,
        CallStatus::Pending => t.usage.status_pending,
        CallStatus::ToolError => t.usage.status_tool_error,
        CallStatus::Error => t.usage.status_error,
        CallStatus::Rejected => t.usage.status_rejected,
    };
    let reason = match call.reason.as_deref() {
        Some("rate_limit") => Some(t.usage.reason_rate_limit),
        Some("quota") => Some(t.usage.reason_quota),
        Some("flood") => Some(t.usage.reason_flood),
        _ => None,
    };
    match reason {
        Some(r) => format!("{status} ({r})"),
        None => status.to_string(),
    }
}

#[component]
fn Recent(calls: Vec<RecentCall>, t: &'static Texts) -> impl IntoView {
    view! {
        <section aria-labelledby="recent-heading" class=CARD>
            <h2 id="recent-heading" class="text-lg font-semibold">{t.usage.recent_heading}</h2>
            {if calls.is_empty() {
                view! { <p id="no-calls" class="mt-3 text-sm text-slate-500">{t.usage.none}</p> }.into_any()
            } else {
                view! {
                    <div class="mt-3 overflow-x-auto">
                        <table id="recent-calls" class="min-w-full text-sm">
                            <thead>
                                <tr>
                                    <th scope="col" class=TH>{t.usage.col_time}</th>
                                    <th scope="col" class=TH>{t.usage.col_request}</th>
                                    <th scope="col" class=TH>{t.usage.col_status}</th>
                                    <th scope="col" class=TH>{t.usage.col_latency}</th>
                                    <th scope="col" class=TH>{t.usage.col_client}</th>
                                    <th scope="col" class=TH>{t.usage.col_division}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {calls.into_iter().map(|c| {
                                    let status = status_text(t, &c);
                                    let request = match &c.tool { Some(tool) => format!("{} · {tool}", c.method), None => c.method.clone() };
                                    let client = if c.client.is_empty() { t.usage.unknown_client.to_string() } else { c.client.clone() };
                                    view! {
                                        <tr class="recent-call border-t border-slate-200 dark:border-slate-800" data-status=c.status.as_str()>
                                            <td class=TD>{format_utc(c.at)}</td>
                                            <td class=TD><code class="font-mono text-xs">{request}</code></td>
                                            <td class=TD>{status}</td>
                                            <td class=TD>{format!("{} ms", c.latency_ms)}</td>
                                            <td class=TD>{client}</td>
                                            <td class=TD>{c.division.map(|d| d.to_string()).unwrap_or_default()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// The overview page's line on usage: this month against the quota, live, with a link.
#[component]
pub fn UsageGlance() -> impl IntoView {
    let t = use_texts();
    let tick = use_poll(Duration::from_secs(5));
    let summary = Resource::new(move || tick.get(), |_| get_usage_summary());
    view! {
        <section id="usage-glance" aria-labelledby="glance-heading" class=CARD>
            <h2 id="glance-heading" class="text-lg font-semibold">{t.usage.glance_heading}</h2>
            <Transition fallback=move || view! { <p class="mt-3 text-slate-500">{t.common.loading}</p> }>
                {move || summary.get().map(|r| match r {
                    Ok(s) => view! {
                        <p class="mt-3 flex flex-wrap items-baseline gap-2">
                            <span id="glance-calls" class="text-2xl font-bold text-slate-900 dark:text-white">{s.calls_this_month.to_string()}</span>
                            <span class="text-sm text-slate-600 dark:text-slate-400">
                                {match s.quota { Some(q) => t.usage.of_quota(q), None => t.usage.unlimited.to_string() }}
                            </span>
                        </p>
                        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">{t.usage.rate_state(s.rate_limit.remaining, s.rate_limit.limit)}</p>
                    }.into_any(),
                    Err(e) => view! { <p role="alert" class="mt-3 text-red-600">{error_text(t, &e)}</p> }.into_any(),
                })}
            </Transition>
            <a href="/dashboard/usage" class="mt-3 inline-block text-sm text-emerald-700 underline dark:text-emerald-400">{t.usage.glance_link}</a>
        </section>
    }
}
