//! Files Exact serves outside the REST API: a document attachment's `Url` (on Exact's own site,
//! `…/docs/SysAttachment.aspx?ID=…`) with `&Download=1`, read with the connection's bearer token.
//! The address comes from Exact's data, so it is checked before anything is sent: only Exact's
//! own origin for the connection's region gets the token; redirects are never followed (the
//! client's policy); the body is read up to a size limit and no further.

use super::{Exact, ExactError, client::BodyError, client::read_body};
use reqwest::header;
use secrecy::ExposeSecret;

/// A file as read from Exact.
#[derive(Debug)]
pub struct Downloaded {
    pub bytes: Vec<u8>,
    /// The `Content-Type` Exact sent, if any.
    pub content_type: Option<String>,
}

impl Exact {
    /// Reads the file at `url` (an attachment's `Url` as Exact gave it) for the connection, up to
    /// `max_bytes`: [`ExactError::ResponseTooLarge`] beyond that, [`ExactError::ForeignUrl`]
    /// without a request when `url` is not on the connection's Exact site.
    pub async fn download(
        &self,
        connection_id: &str,
        url: &str,
        max_bytes: usize,
    ) -> Result<Downloaded, ExactError> {
        let auth = self.access_token(connection_id).await?;
        let mut url = on_exact_site(&self.base_url(auth.region), url)?;
        if !url
            .query_pairs()
            .any(|(k, v)| k.eq_ignore_ascii_case("Download") && v == "1")
        {
            url.query_pairs_mut().append_pair("Download", "1");
        }
        self.check_breaker(&auth.connection_id)?;
        let response = self
            .http()
            .get(url)
            .bearer_auth(auth.access_token.expose_secret())
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    ExactError::Timeout
                } else {
                    ExactError::Unavailable("connection failed".into())
                }
            })?;
        let status = response.status();
        if !status.is_success() {
            return Err(match status.as_u16() {
                300..=399 => ExactError::ForeignUrl,
                _ => super::client::refusal(status, ""),
            });
        }
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = read_body(response, max_bytes).await.map_err(|e| match e {
            BodyError::TooLarge => ExactError::ResponseTooLarge { limit: max_bytes },
            BodyError::Read(_) => ExactError::Unavailable("file cut off".into()),
        })?;
        Ok(Downloaded {
            bytes,
            content_type,
        })
    }
}

/// `url` parsed, when it is on `site` (same scheme, host and port, under its path).
pub fn on_exact_site(site: &url::Url, url: &str) -> Result<url::Url, ExactError> {
    let parsed = url::Url::parse(url).map_err(|_| ExactError::ForeignUrl)?;
    if parsed.origin() != site.origin()
        || !parsed.path().starts_with(site.path())
        || !parsed.username().is_empty()
        || parsed.password().is_some()
    {
        return Err(ExactError::ForeignUrl);
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exacts_own_site_is_followed() {
        let site = url::Url::parse("https://start.exactonline.nl/").unwrap();
        let ok = "https://start.exactonline.nl/docs/SysAttachment.aspx?ID=abc&_Division_=1";
        assert!(on_exact_site(&site, ok).is_ok());
        for bad in [
            "https://files.example.com/docs/SysAttachment.aspx?ID=abc",
            "http://start.exactonline.nl/docs/SysAttachment.aspx?ID=abc",
            "https://start.exactonline.nl.evil.example/docs/x",
            "https://start.exactonline.nl:8443/docs/x",
            "https://user:pw@start.exactonline.nl/docs/x",
            "https://start.exactonline.be/docs/x",
            "/docs/SysAttachment.aspx?ID=abc",
            "javascript:alert(1)",
        ] {
            assert!(
                matches!(on_exact_site(&site, bad), Err(ExactError::ForeignUrl)),
                "{bad}"
            );
        }
        let nested = url::Url::parse("http://127.0.0.1:9/sim/exact/").unwrap();
        assert!(on_exact_site(&nested, "http://127.0.0.1:9/other/docs/x").is_err());
        assert!(on_exact_site(&nested, "http://127.0.0.1:9/sim/exact/docs/x").is_ok());
    }
}
