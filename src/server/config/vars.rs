//! The variables being read and the problems found in them. Every setting is read through here,
//! with one parser for numbers and one for booleans, so a value is spelled, defaulted and
//! reported the same way whichever setting it is.

use super::ConfigErrors;
use std::{collections::HashMap, str::FromStr};

/// The raw variables, and every problem found so far: all of them are reported together, one
/// line each, so an operator fixes a configuration in one pass.
pub(super) struct Reader {
    vars: HashMap<String, String>,
    errors: Vec<String>,
}

impl Reader {
    pub(super) fn new(vars: HashMap<String, String>) -> Reader {
        Reader {
            vars,
            errors: Vec::new(),
        }
    }

    /// The trimmed value; blank values count as unset.
    pub(super) fn val(&self, key: &str) -> Option<&str> {
        self.vars
            .get(key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// Records a problem; reading goes on with a stand-in value so that later problems are found
    /// too.
    pub(super) fn error(&mut self, line: impl Into<String>) {
        self.errors.push(line.into());
    }

    /// A whole number, `default` when unset (or malformed, which is reported).
    pub(super) fn number<T: FromStr>(&mut self, key: &str, default: T) -> T {
        match self.val(key).map(str::parse::<T>) {
            None => default,
            Some(Ok(n)) => n,
            Some(Err(_)) => {
                self.error(format!("{key} must be a whole number"));
                default
            }
        }
    }

    /// 1/true/yes/on or 0/false/no/off in any case, `default` when unset (or anything else, which
    /// is reported).
    pub(super) fn flag(&mut self, key: &str, default: bool) -> bool {
        match self.val(key).map(str::to_ascii_lowercase).as_deref() {
            None => default,
            Some("1" | "true" | "yes" | "on") => true,
            Some("0" | "false" | "no" | "off") => false,
            Some(_) => {
                self.error(format!("{key} must be true or false"));
                default
            }
        }
    }

    /// Every problem found, or none.
    pub(super) fn finish(self) -> Result<(), ConfigErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(self.errors))
        }
    }
}
