//! The command line: `serve` (the default), `migrate`, `user`, `keygen`, `oauth-keygen`, `vault`, `jobs`. Commands other than `serve`
//! print one result line and exit 0, or one clear error line and exit non-zero.

use super::{
    account_admin,
    accounts::{self, CreateAccount},
    app,
    audit::Actor,
    clock::{Clock, SystemClock},
    config::{Settings, TokenKey},
    db::{Db, migrate, users},
    telemetry,
};
use crate::domain::Plan;
use clap::{Parser, Subcommand};
use secrecy::SecretString;

#[derive(Debug, Parser)]
#[command(
    name = "exact-mcp",
    version,
    about = "Exact Online for AI assistants, over MCP"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web service (the default command).
    Serve,
    /// Apply, revert or list database migrations.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Print a fresh token encryption key (base64 of 32 random bytes).
    Keygen,
    /// Print a fresh signing key for connected apps' access tokens (Ed25519, PKCS#8 PEM): the
    /// value of OAUTH_SIGNING_KEY. On rotation, move the old one to OAUTH_SIGNING_KEYS_PREVIOUS.
    OauthKeygen,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Run the Exact Online simulator on its own (for trying the OAuth flow against a separate
    /// process; point EXACT_BASE_URL at it).
    #[cfg(feature = "simulator")]
    Sim {
        #[arg(long, default_value = "127.0.0.1:3100")]
        addr: std::net::SocketAddr,
        /// Keep the issued grants and tokens in this JSON file, so they survive a restart.
        #[arg(long)]
        grants_file: Option<std::path::PathBuf>,
    },
    /// API keys for the MCP endpoint.
    Key {
        #[command(subcommand)]
        action: KeyAction,
    },
    /// The token vault.
    Vault {
        #[command(subcommand)]
        action: VaultAction,
    },
    /// Scheduled jobs: list them with their last run, or run one now.
    Jobs {
        #[command(subcommand)]
        action: JobsAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum JobsAction {
    /// Every job with its schedule and last run, one line each.
    List,
    /// Run one job now, in a manual slot (the scheduled slot stays for the scheduler).
    Run {
        /// token_keepalive, token_expiry_check, monthly_reset or cleanup.
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum VaultAction {
    /// Re-encrypt every stored token with the current TOKEN_ENCRYPTION_KEY (older keys must be
    /// listed in TOKEN_ENCRYPTION_KEYS_PREVIOUS to be read).
    Rotate,
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Create a password account; the password is read from standard input (one line).
    Create {
        #[arg(long)]
        email: String,
        /// Make the account an administrator.
        #[arg(long)]
        admin: bool,
        /// free, starter, pro or enterprise.
        #[arg(long, default_value = "free")]
        plan: Plan,
    },
    /// Change an account's plan.
    SetPlan {
        #[arg(long)]
        email: String,
        /// free, starter, pro or enterprise.
        #[arg(long)]
        plan: Plan,
    },
    /// Suspend an account (its sessions end and its keys stop at once) or reactivate it.
    SetStatus {
        #[arg(long)]
        email: String,
        /// active or suspended.
        #[arg(long, value_parser = ["active", "suspended"])]
        status: String,
    },
    /// Set an account's calls this month and its quota warning back to 0.
    ResetUsage {
        #[arg(long)]
        email: String,
    },
    /// Delete an account and its data (usage totals stay, anonymised).
    Delete {
        #[arg(long)]
        email: String,
        /// The account's address again, to confirm.
        #[arg(long)]
        confirm_email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyAction {
    /// Create an API key for an account and print it (it is shown this once).
    Create {
        #[arg(long)]
        email: String,
        /// A name to recognise the key by, e.g. "Claude Desktop".
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Revert the newest migrations.
    Down {
        /// How many migrations to revert.
        #[arg(long, default_value_t = 1)]
        steps: usize,
    },
    /// List migrations and whether each is applied.
    Status,
}

/// Runs the chosen command. The error, if any, is one line for the person at the terminal.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Keygen => {
            println!("{}", TokenKey::generate().to_base64());
            Ok(())
        }
        Command::OauthKeygen => {
            print!("{}", super::config::SigningKey::generate().to_pem());
            Ok(())
        }
        Command::Serve => {
            let settings = Settings::from_env()?;
            telemetry::init(settings.log_format, &settings.log_filter);
            app::serve(settings).await
        }
        Command::User { action } => {
            let settings = Settings::from_env()?;
            telemetry::init(settings.log_format, "warn");
            let db = app::open_database(&settings).await?;
            let result = user_command(&db, &settings, action).await;
            db.close().await;
            result
        }
        Command::Key {
            action: KeyAction::Create { email, name },
        } => {
            let settings = Settings::from_env()?;
            telemetry::init(settings.log_format, "warn");
            let db = app::open_database(&settings).await?;
            let result = create_key(&db, &email, &name).await;
            db.close().await;
            println!("{}", result?);
            Ok(())
        }
        Command::Vault {
            action: VaultAction::Rotate,
        } => {
            let settings = Settings::from_env()?;
            telemetry::init(settings.log_format, "warn");
            let db = app::open_database(&settings).await?;
            let vault = super::vault::Vault::from_settings(&settings);
            let result = rotate_when_every_replica_can(&db, &vault).await;
            db.close().await;
            let report = result?;
            if report.unreadable > 0 {
                anyhow::bail!(
                    "vault rotate: {} connection(s) could not be decrypted with the configured keys \
                     (list the old key in TOKEN_ENCRYPTION_KEYS_PREVIOUS); {} re-encrypted, {} already current",
                    report.unreadable,
                    report.rewritten,
                    report.current
                );
            }
            println!(
                "vault rotate: {} connection(s) re-encrypted with key {}, {} already current",
                report.rewritten,
                vault.current_kid(),
                report.current
            );
            Ok(())
        }
        Command::Jobs { action } => {
            let settings = Settings::from_env()?;
            telemetry::init(settings.log_format, "warn");
            let options = app::leptos_options(&settings);
            let state =
                app::build_state(settings, options, std::sync::Arc::new(SystemClock)).await?;
            let result = jobs_command(&state, action).await;
            state.recorder.flush().await;
            state.db.close().await;
            result
        }
        #[cfg(feature = "simulator")]
        Command::Sim { addr, grants_file } => {
            telemetry::init(super::config::LogFormat::Pretty, "info");
            super::http::simulator::serve_alone(addr, grants_file).await
        }
        Command::Migrate { action } => {
            let settings = Settings::from_env()?;
            telemetry::init(settings.log_format, "warn");
            let db = Db::connect(&settings.database_url, 1).await?;
            let result = migrate_command(&db, action).await;
            db.close().await;
            result
        }
    }
}

/// `vault rotate`, refused while a running replica does not hold the current key: it could not
/// read what the rotation writes.
async fn rotate_when_every_replica_can(
    db: &Db,
    vault: &super::vault::Vault,
) -> anyhow::Result<super::db::connections::RotateReport> {
    use super::vault::{LIVE_SECONDS, replicas_lacking};
    let now = SystemClock.now();
    let lacking = replicas_lacking(db, vault.current_kid(), now).await?;
    if lacking > 0 {
        anyhow::bail!(
            "vault rotate: {lacking} running replica(s) do not hold key {} yet: give every replica \
             that key in TOKEN_ENCRYPTION_KEYS_PREVIOUS (or as TOKEN_ENCRYPTION_KEY) and restart it \
             first; a stopped replica stops counting {LIVE_SECONDS} seconds after its last announcement",
            vault.current_kid()
        );
    }
    Ok(super::connections::rotate_tokens(db, vault, now).await?)
}

async fn migrate_command(db: &Db, action: MigrateAction) -> anyhow::Result<()> {
    match action {
        MigrateAction::Up => {
            let applied = migrate::up(db).await?;
            if applied.is_empty() {
                println!("migrations: already up to date");
            } else {
                println!("migrations: applied {}", join(&applied));
            }
        }
        MigrateAction::Down { steps } => {
            let reverted = migrate::down(db, steps).await?;
            if reverted.is_empty() {
                println!("migrations: nothing to revert");
            } else {
                println!("migrations: reverted {}", join(&reverted));
            }
        }
        MigrateAction::Status => {
            for m in migrate::status(db).await? {
                println!(
                    "{:04} {:<8} {}",
                    m.version,
                    if m.applied { "applied" } else { "pending" },
                    m.description
                );
            }
        }
    }
    Ok(())
}

async fn user_command(db: &Db, settings: &Settings, action: UserAction) -> anyhow::Result<()> {
    match action {
        UserAction::Create { email, admin, plan } => {
            let password = read_password_line()?;
            let email = parse_email(&email)?;
            let user = accounts::create(
                db,
                &SystemClock,
                &settings.admin_emails,
                CreateAccount {
                    email: &email,
                    password,
                    display_name: "",
                    admin,
                    plan,
                },
            )
            .await?;
            println!(
                "user created: {} (role {}, plan {})",
                user.email,
                user.role.as_str(),
                user.plan
            );
        }
        UserAction::SetPlan { email, plan } => {
            let email = parse_email(&email)?;
            accounts::set_plan(db, &SystemClock, Actor::CommandLine, &email, plan).await?;
            println!("plan set: {email} is now on {plan}");
        }
        UserAction::SetStatus { email, status } => {
            let email = parse_email(&email)?;
            let status = crate::domain::AccountStatus::from_stored(&status);
            accounts::set_status(db, &SystemClock, Actor::CommandLine, &email, status).await?;
            println!("status set: {email} is now {}", status.as_str());
        }
        UserAction::ResetUsage { email } => {
            let user = existing_user(db, &email).await?;
            let before =
                account_admin::reset_usage(db, &SystemClock, Actor::CommandLine, &user).await?;
            println!(
                "usage reset: {} had {} calls this month (warning level {}), now 0",
                user.email, before.calls_used, before.warning_level
            );
        }
        UserAction::Delete {
            email,
            confirm_email,
        } => {
            let user = existing_user(db, &email).await?;
            let typed = parse_email(&confirm_email)?;
            account_admin::delete(db, &SystemClock, Actor::CommandLine, &user, &typed).await?;
            println!("account deleted: {}", user.email);
        }
    }
    Ok(())
}

/// The account with the `--email` of a user command.
async fn existing_user(db: &Db, email: &str) -> Result<users::UserRow, accounts::AccountError> {
    let email = parse_email(email)?;
    accounts::by_email(db, &email)
        .await?
        .ok_or(accounts::AccountError::NotFound)
}

/// The `--email` of a user command, refused with the account services' message.
fn parse_email(raw: &str) -> Result<crate::domain::Email, accounts::AccountError> {
    crate::domain::Email::parse(raw).map_err(|e| accounts::AccountError::Validation(e.into()))
}

/// Creates a key for the account with that email and returns it.
async fn create_key(db: &Db, email: &str, name: &str) -> anyhow::Result<String> {
    let email = crate::domain::Email::parse(email)
        .map_err(|_| anyhow::anyhow!("not a valid email address: {}", email.trim()))?;
    let user = accounts::by_email(db, &email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account with this email address"))?;
    match super::api_keys::create(db, &SystemClock, &user, name).await {
        Ok(created) => Ok(created.key),
        Err(super::api_keys::KeyError::Name(_)) => anyhow::bail!(
            "the key name must be 1 to {} characters without control characters",
            crate::domain::MAX_KEY_NAME_CHARS
        ),
        Err(e) => Err(e.into()),
    }
}

/// One line from standard input, without its line ending; never echoed or logged.
fn read_password_line() -> anyhow::Result<SecretString> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        anyhow::bail!(
            "no password on standard input: pipe it in, e.g. `printf '%s' \"$PW\" | exact-mcp user create ...`"
        );
    }
    Ok(SecretString::from(password))
}

fn join(versions: &[i64]) -> String {
    versions
        .iter()
        .map(|v| format!("{v:04}"))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn jobs_command(state: &super::state::AppState, action: JobsAction) -> anyhow::Result<()> {
    use super::jobs::{self, JobName};
    match action {
        JobsAction::List => {
            for job in JobName::ALL {
                let last = jobs::recent_runs(&state.db, job, 1).await?;
                let last = match last.first() {
                    Some(r) => format!(
                        "last {} {} (processed {}, failed {}) at {}",
                        r.slot, r.status, r.processed, r.failed, r.started_at
                    ),
                    None => "never run".to_string(),
                };
                println!("{:<20} {:<14} {last}", job.as_str(), job.schedule());
            }
            Ok(())
        }
        JobsAction::Run { name } => {
            let Some(job) = JobName::parse(&name) else {
                anyhow::bail!(
                    "unknown job {:?}: use one of {}",
                    name.trim(),
                    JobName::ALL.map(JobName::as_str).join(", ")
                );
            };
            let run = super::jobs::run_now(state, job)
                .await
                .map_err(|e| anyhow::anyhow!("job {job} could not run: {e}"))?;
            let line = format!(
                "job {job} ran in slot {}: {} (processed {}, failed {}){}",
                run.slot,
                run.status,
                run.processed,
                run.failed,
                if run.message.is_empty() {
                    String::new()
                } else {
                    format!(": {}", run.message)
                }
            );
            if run.status == "failed" {
                anyhow::bail!(line);
            }
            println!("{line}");
            Ok(())
        }
    }
}
