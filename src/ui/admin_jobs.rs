//! The admin panel's scheduled jobs: each job, its schedule and newest runs, and "run now".

use super::account::error_text;
use crate::api::admin_jobs::{JobRunView, RunJob, list_jobs};
use crate::domain::format_utc;
use crate::i18n::{Texts, use_texts};
use leptos::prelude::*;

fn describe(t: &'static Texts, name: &str) -> &'static str {
    match name {
        "token_keepalive" => t.admin.job_token_keepalive,
        "token_expiry_check" => t.admin.job_token_expiry_check,
        "monthly_reset" => t.admin.job_monthly_reset,
        "cleanup" => t.admin.job_cleanup,
        _ => "",
    }
}

#[component]
pub fn AdminJobs() -> impl IntoView {
    let t = use_texts();
    let run = ServerAction::<RunJob>::new();
    let jobs = Resource::new(move || run.version().get(), |_| list_jobs());
    let th = "px-3 py-2 text-left font-semibold";
    let td = "px-3 py-2 align-top";
    let result = move || {
        run.value().get().map(|r| match r {
            Ok(done) => view! {
                <super::toast::Toast id="job-run-result" text=t.admin.jobs_ran(&done.slot, &done.status)/>
            }
            .into_any(),
            Err(e) => view! {
                <p id="job-run-result" role="alert" class="mt-4 text-sm text-red-600">{error_text(t, &e)}</p>
            }
            .into_any(),
        })
    };
    let runs_view = move |runs: Vec<JobRunView>| {
        if runs.is_empty() {
            return view! { <p class="text-slate-500">{t.admin.jobs_never_run}</p> }.into_any();
        }
        view! {
            <table class="min-w-full text-xs">
                <thead>
                    <tr>
                        <th scope="col" class=th>{t.admin.jobs_col_slot}</th>
                        <th scope="col" class=th>{t.admin.jobs_col_status}</th>
                        <th scope="col" class=th>{t.admin.jobs_col_started}</th>
                        <th scope="col" class=th>{t.admin.jobs_col_counts}</th>
                        <th scope="col" class=th>{t.admin.jobs_col_message}</th>
                    </tr>
                </thead>
                <tbody>
                    {runs.into_iter().map(|r| {
                        let status = r.status.clone();
                        view! {
                        <tr class="border-t border-slate-200 dark:border-slate-800">
                            <td class=td>{r.slot}</td>
                            <td class=td data-status=status>{r.status}</td>
                            <td class=td>{format_utc(r.started_at)}</td>
                            <td class=td>{format!("{} / {}", r.processed, r.failed)}</td>
                            <td class=td>{r.message}</td>
                        </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <h2 class="text-lg font-semibold">{t.admin.jobs_heading}</h2>
        <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">{t.admin.jobs_lead}</p>
        {result}
        <Suspense fallback=move || view! { <p class="mt-4 text-slate-500">{t.common.loading}</p> }>
            {move || jobs.get().map(|r| match r {
                Ok(jobs) => view! {
                    <div class="mt-4 overflow-x-auto rounded-xl border border-slate-200 dark:border-slate-800">
                        <table id="admin-jobs" class="min-w-full text-sm">
                            <thead class="bg-slate-50 dark:bg-slate-900">
                                <tr>
                                    <th scope="col" class=th>{t.admin.jobs_col_job}</th>
                                    <th scope="col" class=th>{t.admin.jobs_col_schedule}</th>
                                    <th scope="col" class=th></th>
                                </tr>
                            </thead>
                            <tbody>
                                {jobs.into_iter().map(|j| {
                                    let (name, row) = (j.name.clone(), j.name.clone());
                                    view! {
                                        <tr class="border-t border-slate-200 dark:border-slate-800" data-job=row>
                                            <td class=td>
                                                <span class="font-mono">{j.name.clone()}</span>
                                                <p class="text-xs text-slate-500">{describe(t, &j.name)}</p>
                                            </td>
                                            <td class=td><code>{j.schedule}</code></td>
                                            <td class=td>
                                                <ActionForm action=run>
                                                    <input type="hidden" name="name" value=name/>
                                                    <button type="submit" class="run-now rounded-md border border-slate-300 px-3 py-1 text-xs hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900">{t.admin.jobs_run_now}</button>
                                                </ActionForm>
                                            </td>
                                        </tr>
                                        <tr>
                                            <td class=td colspan="3">{runs_view(j.runs)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any(),
                Err(e) => view! { <p role="alert" class="mt-4 text-red-600">{error_text(t, &e)}</p> }.into_any(),
            })}
        </Suspense>
    }
}
