//! Access tokens: EdDSA-signed JWTs naming the user, the MCP URL they are for, the client and the
//! grant they came from. Verification pins the algorithm (EdDSA only: `none`, HS* and every other
//! algorithm are refused), looks the key up by `kid` among the current and retired keys, checks
//! issuer and audience exactly, and checks the times against the service's clock with
//! [`LEEWAY_SECONDS`] of tolerance.

use crate::server::config::SigningKey;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How long an access token works.
pub const ACCESS_TOKEN_SECONDS: i64 = 3600;
/// Clock difference tolerated when checking `exp`, `nbf` and `iat`.
pub const LEEWAY_SECONDS: i64 = 60;

/// What an access token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    /// The user's id.
    pub sub: String,
    /// The MCP URL the token is for.
    pub aud: String,
    pub client_id: String,
    pub scope: String,
    pub iat: i64,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    pub jti: String,
    /// The grant the token came from: revoking it ends the token.
    pub gid: String,
}

/// Why a presented token was refused (never shown in detail to the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    #[error("not a token signed by this service")]
    Signature,
    #[error("issued by another server or for another resource")]
    Audience,
    #[error("expired")]
    Expired,
    #[error("not valid yet")]
    NotYetValid,
}

/// Signs with the current key; verifies with it and the retired ones.
pub struct AccessTokens {
    issuer: String,
    audience: String,
    kid: String,
    signing: EncodingKey,
    verifying: HashMap<String, DecodingKey>,
    jwks: serde_json::Value,
}

impl AccessTokens {
    pub fn new(
        issuer: String,
        audience: String,
        current: &SigningKey,
        previous: &[SigningKey],
    ) -> Self {
        let mut verifying = HashMap::new();
        let mut keys = Vec::new();
        for key in std::iter::once(current).chain(previous) {
            let decoding = DecodingKey::from_ed_components(&key.public_x())
                .expect("a public key from a parsed key pair is valid");
            verifying.insert(key.kid(), decoding);
            keys.push(serde_json::json!({
                "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
                "kid": key.kid(), "x": key.public_x(),
            }));
        }
        AccessTokens {
            issuer,
            audience,
            kid: current.kid(),
            signing: EncodingKey::from_ed_der(current.pkcs8()),
            verifying,
            jwks: serde_json::json!({ "keys": keys }),
        }
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// The public keys, as `/.well-known/jwks.json` serves them.
    pub fn jwks(&self) -> &serde_json::Value {
        &self.jwks
    }

    /// A token for `sub` through grant `gid`, valid from `now` for [`ACCESS_TOKEN_SECONDS`].
    pub fn issue(&self, sub: &str, client_id: &str, scope: &str, gid: &str, now: i64) -> String {
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            sub: sub.to_string(),
            aud: self.audience.clone(),
            client_id: client_id.to_string(),
            scope: scope.to_string(),
            iat: now,
            exp: now + ACCESS_TOKEN_SECONDS,
            nbf: None,
            jti: uuid::Uuid::new_v4().to_string(),
            gid: gid.to_string(),
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.signing).expect("EdDSA signing cannot fail")
    }

    /// The claims of a token this service issued for this resource and that is valid at `now`.
    pub fn verify(&self, token: &str, now: i64) -> Result<AccessClaims, Rejected> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| Rejected::Signature)?;
        if header.alg != Algorithm::EdDSA {
            return Err(Rejected::Signature);
        }
        let key = header
            .kid
            .as_ref()
            .and_then(|kid| self.verifying.get(kid))
            .ok_or(Rejected::Signature)?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // Times are checked below against the service's clock, not the system's.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let claims = jsonwebtoken::decode::<AccessClaims>(token, key, &validation)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::InvalidIssuer
                | jsonwebtoken::errors::ErrorKind::InvalidAudience => Rejected::Audience,
                _ => Rejected::Signature,
            })?
            .claims;
        if claims.aud != self.audience || claims.iss != self.issuer {
            return Err(Rejected::Audience);
        }
        if claims.exp + LEEWAY_SECONDS < now {
            return Err(Rejected::Expired);
        }
        if claims.iat - LEEWAY_SECONDS > now
            || claims.nbf.is_some_and(|nbf| nbf - LEEWAY_SECONDS > now)
        {
            return Err(Rejected::NotYetValid);
        }
        Ok(claims)
    }
}

/// Whether a presented bearer value has a JWT's shape (three base64url parts).
pub fn looks_like_jwt(token: &str) -> bool {
    token.len() <= 4096
        && token.split('.').count() == 3
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(key: &SigningKey, previous: &[SigningKey]) -> AccessTokens {
        AccessTokens::new(
            "https://mcp.example.com".into(),
            "https://mcp.example.com/mcp".into(),
            key,
            previous,
        )
    }

    #[test]
    fn an_issued_token_verifies_within_its_hour_and_not_after() {
        let t = tokens(&SigningKey::generate(), &[]);
        let token = t.issue("user-1", "client", "exact:read", "grant-1", 1_000);
        assert!(looks_like_jwt(&token));
        let claims = t.verify(&token, 1_000).unwrap();
        assert_eq!(
            (claims.sub.as_str(), claims.gid.as_str()),
            ("user-1", "grant-1")
        );
        assert_eq!(claims.exp, 1_000 + ACCESS_TOKEN_SECONDS);
        assert!(
            t.verify(&token, 1_000 + ACCESS_TOKEN_SECONDS + LEEWAY_SECONDS)
                .is_ok()
        );
        assert_eq!(
            t.verify(&token, 1_000 + ACCESS_TOKEN_SECONDS + LEEWAY_SECONDS + 1),
            Err(Rejected::Expired)
        );
        assert_eq!(
            t.verify(&token, 1_000 - LEEWAY_SECONDS - 1),
            Err(Rejected::NotYetValid)
        );
    }

    #[test]
    fn a_retired_key_still_verifies_and_another_servers_key_does_not() {
        let old = SigningKey::generate();
        let token = tokens(&old, &[]).issue("u", "c", "exact:read", "g", 10);
        let rotated = tokens(&SigningKey::generate(), std::slice::from_ref(&old));
        assert!(rotated.verify(&token, 10).is_ok());
        assert_eq!(rotated.jwks()["keys"].as_array().unwrap().len(), 2);
        let stranger = tokens(&SigningKey::generate(), &[]);
        assert_eq!(stranger.verify(&token, 10), Err(Rejected::Signature));
    }
}
