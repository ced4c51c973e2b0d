//! How exact-mcp reaches Exact Online: the registered app's credentials, or the simulator a
//! development build embeds.

use super::vars::Reader;
use secrecy::SecretString;
use url::Url;

/// How exact-mcp reaches Exact Online.
#[derive(Debug, Clone)]
pub enum ExactMode {
    /// The real service, with the registered app's credentials. `base_url` replaces
    /// `https://start.exactonline.{tld}` for every region when set.
    Live {
        client_id: String,
        client_secret: SecretString,
        base_url: Option<Url>,
    },
    /// The embedded simulator at `{PUBLIC_URL}/sim/exact` (development only).
    Simulator,
}

impl ExactMode {
    /// `EXACT_CLIENT_ID` and `EXACT_CLIENT_SECRET` (both or neither), `EXACT_BASE_URL`, and
    /// `EXACT_SIMULATOR` to use the simulator although credentials are set.
    pub(super) fn read(r: &mut Reader, prod: bool) -> ExactMode {
        let simulator_forced = r.flag("EXACT_SIMULATOR", false);
        let base_url = base_url(r);
        let client_id = r.val("EXACT_CLIENT_ID").map(str::to_string);
        let client_secret = r.val("EXACT_CLIENT_SECRET").map(str::to_string);
        match (client_id, client_secret) {
            (Some(id), Some(secret)) if !simulator_forced => ExactMode::Live {
                client_id: id,
                client_secret: SecretString::from(secret),
                base_url,
            },
            (Some(_), None) | (None, Some(_)) if !simulator_forced => {
                r.error("set both EXACT_CLIENT_ID and EXACT_CLIENT_SECRET, or neither");
                ExactMode::Simulator
            }
            _ => simulator(r, prod, simulator_forced),
        }
    }
}

fn base_url(r: &mut Reader) -> Option<Url> {
    match r.val("EXACT_BASE_URL").map(Url::parse) {
        None => None,
        Some(Ok(u)) => Some(u),
        Some(Err(_)) => {
            r.error("EXACT_BASE_URL must be an absolute URL");
            None
        }
    }
}

/// The simulator, which only a build with the `simulator` feature has and production refuses.
fn simulator(r: &mut Reader, prod: bool, forced: bool) -> ExactMode {
    if !cfg!(feature = "simulator") {
        r.error("this build has no Exact simulator: set EXACT_CLIENT_ID and EXACT_CLIENT_SECRET");
    } else if prod {
        if forced {
            r.error("the Exact simulator cannot run in production: unset EXACT_SIMULATOR");
        } else {
            r.error("EXACT_CLIENT_ID and EXACT_CLIENT_SECRET are required in production");
        }
    }
    ExactMode::Simulator
}
