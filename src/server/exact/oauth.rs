//! Exact's OAuth 2.0 authorization code flow through the `oauth2` crate: the authorize URL, the
//! code exchange and the refresh. Exact's quirks handled here: `expires_in` arrives as a string,
//! client credentials go in the form body, and a refresh refused as too early carries
//! `Reason: TooEarlyToRefreshTokens` (not a failure of the connection). Only Exact's documented
//! refusals of the grant (`invalid_grant`; `unauthorized_client`, "Old refresh token used.")
//! count as a dead grant; any other answer (a proxy's 403 or 408, an HTML page, a 5xx) is a
//! transient failure that leaves the connection as it is.

use super::{Exact, ExactError};
use crate::domain::Region;
use oauth2::{
    AccessToken, AsyncHttpClient, AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret,
    CsrfToken, EndpointNotSet, EndpointSet, HttpClientError, RedirectUrl, RefreshToken,
    RequestTokenError, StandardRevocableToken, TokenResponse, TokenUrl,
    basic::{
        BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
        BasicTokenType,
    },
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize};
use std::{
    future::Future,
    pin::Pin,
    sync::{Arc, Mutex},
};

/// Exact's token response. Like the standard one, except that `expires_in` may be a string.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExactTokenResponse {
    access_token: AccessToken,
    token_type: BasicTokenType,
    #[serde(default, deserialize_with = "string_or_number")]
    expires_in: Option<u64>,
    refresh_token: Option<RefreshToken>,
}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Number(u64),
        Text(String),
    }
    match Option::<Raw>::deserialize(d)? {
        None => Ok(None),
        Some(Raw::Number(n)) => Ok(Some(n)),
        Some(Raw::Text(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom("expires_in is not a number")),
    }
}

impl TokenResponse for ExactTokenResponse {
    type TokenType = BasicTokenType;
    fn access_token(&self) -> &AccessToken {
        &self.access_token
    }
    fn token_type(&self) -> &BasicTokenType {
        &self.token_type
    }
    fn expires_in(&self) -> Option<std::time::Duration> {
        self.expires_in.map(std::time::Duration::from_secs)
    }
    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }
    fn scopes(&self) -> Option<&Vec<oauth2::Scope>> {
        None
    }
}

type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    ExactTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// A fresh token pair. The values never print.
pub struct TokenGrant {
    pub access_token: SecretString,
    pub refresh_token: SecretString,
    /// Seconds the access token lives (Exact: 600).
    pub expires_in: i64,
}

impl std::fmt::Debug for TokenGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenGrant")
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// Why a token request failed.
#[derive(Debug)]
pub enum TokenError {
    /// Exact's 570 s rule: the access token is still too young to refresh.
    TooEarly,
    /// The grant is dead (`invalid_grant`, or `unauthorized_client` such as "Old refresh token
    /// used."): a new consent is needed. Holds Exact's error code for the log.
    Rejected(String),
    /// Anything else: 5xx, 429, another 4xx (a proxy's 403 or 408), an unreadable answer, a
    /// timeout or a connection failure. Try again later; nothing changed.
    Transient(String),
}

/// What is traded at the token endpoint.
enum Grant<'a> {
    Code(&'a str),
    Refresh(&'a SecretString),
}

/// Access token lifetime assumed when Exact leaves `expires_in` out.
const DEFAULT_EXPIRES_IN: i64 = 600;

impl Exact {
    fn oauth_client(&self, region: Region) -> Result<OAuthClient, ExactError> {
        let base = self.base_url(region);
        let join = |path: &str| {
            base.join(path)
                .map_err(|e| ExactError::Internal(format!("oauth url: {e}")))
        };
        Ok(
            oauth2::Client::new(ClientId::new(self.config().client_id.clone()))
                .set_client_secret(ClientSecret::new(
                    self.config().client_secret.expose_secret().to_string(),
                ))
                .set_auth_uri(AuthUrl::from_url(join("api/oauth2/auth")?))
                .set_token_uri(TokenUrl::from_url(join("api/oauth2/token")?))
                .set_redirect_uri(RedirectUrl::from_url(self.config().redirect_uri.clone()))
                // Exact wants client_id and client_secret in the form body, not in Basic auth.
                .set_auth_type(AuthType::RequestBody),
        )
    }

    /// Where to send the person's browser to give consent.
    pub fn authorize_url(&self, region: Region, state: &str) -> Result<url::Url, ExactError> {
        let state = state.to_string();
        let (url, _) = self
            .oauth_client(region)?
            .authorize_url(move || CsrfToken::new(state))
            .url();
        Ok(url)
    }

    /// Exchanges an authorization code (3 minutes, single use) for a token pair.
    pub async fn exchange_code(
        &self,
        region: Region,
        code: &str,
    ) -> Result<TokenGrant, TokenError> {
        self.token_request(region, Grant::Code(code)).await
    }

    /// Trades a refresh token for a new pair. Exact rotates: the old refresh token is dead
    /// from the moment this succeeds, so the caller must store the new pair before anything
    /// else can use the connection.
    pub async fn refresh_grant(
        &self,
        region: Region,
        refresh_token: &SecretString,
    ) -> Result<TokenGrant, TokenError> {
        self.token_request(region, Grant::Refresh(refresh_token))
            .await
    }

    /// One request to the token endpoint, bounded by `token_timeout`. On a timeout Exact may
    /// have rotated the pair without us seeing the answer; nothing can be stored, and the next
    /// attempt will tell (a working token or "Old refresh token used.").
    async fn token_request(
        &self,
        region: Region,
        grant: Grant<'_>,
    ) -> Result<TokenGrant, TokenError> {
        let client = self
            .oauth_client(region)
            .map_err(|e| TokenError::Transient(e.to_string()))?;
        let http = Recording {
            http: self.http().clone(),
            max_body: self.config().max_response_bytes,
            seen: Arc::default(),
        };
        let limit = self.config().token_timeout;
        let outcome = match grant {
            Grant::Code(code) => {
                let request = client
                    .exchange_code(AuthorizationCode::new(code.to_string()))
                    .request_async(&http);
                tokio::time::timeout(limit, request).await
            }
            Grant::Refresh(token) => {
                let token = RefreshToken::new(token.expose_secret().to_string());
                let request = client.exchange_refresh_token(&token).request_async(&http);
                tokio::time::timeout(limit, request).await
            }
        };
        match outcome {
            Ok(result) => grant_from(result, &http.seen),
            Err(_) => Err(TokenError::Transient("token request timed out".into())),
        }
    }
}

/// The reqwest client as an oauth2 HTTP client that reads at most `max_body` bytes of the
/// answer and notes the status and the `Reason` header, which oauth2's error type does not
/// carry.
struct Recording {
    http: reqwest::Client,
    max_body: usize,
    seen: Arc<Mutex<Option<Seen>>>,
}

impl<'c> AsyncHttpClient<'c> for Recording {
    type Error = HttpClientError<reqwest::Error>;
    type Future =
        Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, Self::Error>> + Send + Sync + 'c>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request: reqwest::Request = request.try_into().map_err(Box::new)?;
            let response = self.http.execute(request).await.map_err(Box::new)?;
            let status = response.status();
            let reason = response
                .headers()
                .get("Reason")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            if let Ok(mut s) = self.seen.lock() {
                *s = Some(Seen {
                    status: status.as_u16(),
                    reason,
                });
            }
            let mut answer = oauth2::http::Response::builder()
                .status(status)
                .version(response.version());
            for (name, value) in response.headers() {
                answer = answer.header(name, value);
            }
            let body = match super::client::read_body(response, self.max_body).await {
                Ok(body) => body,
                Err(super::client::BodyError::Read(e)) => {
                    return Err(HttpClientError::Reqwest(Box::new(e)));
                }
                Err(super::client::BodyError::TooLarge) => {
                    return Err(HttpClientError::Other(
                        "token answer larger than the size limit".into(),
                    ));
                }
            };
            answer.body(body).map_err(HttpClientError::Http)
        })
    }
}

#[derive(Debug)]
struct Seen {
    status: u16,
    reason: Option<String>,
}

fn grant_from(
    result: Result<
        ExactTokenResponse,
        RequestTokenError<HttpClientError<reqwest::Error>, BasicErrorResponse>,
    >,
    seen: &Mutex<Option<Seen>>,
) -> Result<TokenGrant, TokenError> {
    let seen = seen.lock().ok().and_then(|mut s| s.take());
    let status = seen.as_ref().map(|s| s.status).unwrap_or(0);
    let too_early = seen
        .as_ref()
        .and_then(|s| s.reason.as_deref())
        .is_some_and(|r| r.eq_ignore_ascii_case("TooEarlyToRefreshTokens"));
    match result {
        Ok(r) => {
            let Some(refresh) = r.refresh_token() else {
                return Err(TokenError::Transient(
                    "token response without refresh_token".into(),
                ));
            };
            Ok(TokenGrant {
                access_token: SecretString::from(r.access_token().secret().to_string()),
                refresh_token: SecretString::from(refresh.secret().to_string()),
                expires_in: r
                    .expires_in
                    .and_then(|s| i64::try_from(s).ok())
                    .filter(|s| *s > 0)
                    .unwrap_or(DEFAULT_EXPIRES_IN),
            })
        }
        Err(_) if too_early => Err(TokenError::TooEarly),
        Err(RequestTokenError::ServerResponse(body)) => {
            let description = body.error_description().map(String::as_str).unwrap_or("");
            let code = body.error().as_ref();
            if description.contains("access_token not expired") {
                // The body says what the header says, should a proxy drop the header.
                Err(TokenError::TooEarly)
            } else if refuses_grant(status, code) {
                Err(TokenError::Rejected(format!(
                    "{code} ({status}): {description}"
                )))
            } else {
                Err(TokenError::Transient(format!(
                    "token endpoint answered {status} ({code})"
                )))
            }
        }
        Err(RequestTokenError::Request(e)) => Err(TokenError::Transient(format!(
            "token request failed: {}",
            describe_http_error(&e)
        ))),
        // Not Exact's OAuth error shape (a proxy's or firewall's page): never a verdict on the
        // grant.
        Err(RequestTokenError::Parse(_, _)) | Err(RequestTokenError::Other(_)) => Err(
            TokenError::Transient(format!("unreadable token response ({status})")),
        ),
    }
}

/// Exact's documented refusals of a refresh token or code, after which only a new consent
/// helps: `invalid_grant` (400: unknown, expired or spent) and `unauthorized_client` (401: "Old
/// refresh token used.", or the app's access revoked). Anything else, including other 4xx from
/// something between us and Exact, is not.
fn refuses_grant(status: u16, code: &str) -> bool {
    matches!(
        (status, code),
        (400, "invalid_grant") | (401, "unauthorized_client")
    )
}

/// A transport error without the URL's query (which never holds secrets here, but keep logs
/// lean) and without any body.
fn describe_http_error(e: &HttpClientError<reqwest::Error>) -> String {
    match e {
        HttpClientError::Reqwest(e) if e.is_timeout() => "timeout".into(),
        HttpClientError::Reqwest(e) if e.is_connect() => "connection failed".into(),
        HttpClientError::Reqwest(e) => e.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_in_is_read_as_string_or_number() {
        let text: ExactTokenResponse = serde_json::from_str(
            r#"{"access_token":"a","token_type":"bearer","expires_in":"600","refresh_token":"r"}"#,
        )
        .unwrap();
        assert_eq!(text.expires_in, Some(600));
        let number: ExactTokenResponse = serde_json::from_str(
            r#"{"access_token":"a","token_type":"bearer","expires_in":590,"refresh_token":"r"}"#,
        )
        .unwrap();
        assert_eq!(number.expires_in, Some(590));
        assert!(
            serde_json::from_str::<ExactTokenResponse>(
                r#"{"access_token":"a","token_type":"bearer","expires_in":"soon"}"#
            )
            .is_err()
        );
    }

    #[test]
    fn only_exacts_documented_refusals_end_a_grant() {
        assert!(refuses_grant(400, "invalid_grant"));
        assert!(refuses_grant(401, "unauthorized_client"));
        for (status, code) in [
            (403, "invalid_grant"),
            (408, "invalid_grant"),
            (400, "invalid_request"),
            (401, "invalid_client"),
            (400, "access_denied"),
            (403, "unauthorized_client"),
        ] {
            assert!(!refuses_grant(status, code), "{status} {code}");
        }
    }

    #[test]
    fn grants_never_print_tokens() {
        let g = TokenGrant {
            access_token: SecretString::from("access-secret".to_string()),
            refresh_token: SecretString::from("refresh-secret".to_string()),
            expires_in: 600,
        };
        let printed = format!("{g:?}");
        assert!(!printed.contains("secret"), "{printed}");
    }
}
