//! Webhook request authentication, exactly as the Webhooks API publishes
//! it (Webhooks API, "Request authentication"):
//!
//! 1. "Hash the serialized request content using SHA256 encryption then
//!    base64 encode it. This hash should match the header value
//!    'x-ms-content-sha256'."
//! 2. "Concatenate request method, path and query, date, host and content
//!    hash … like so: `POST\n<pathAndQuery>\n<date>;<host>;<hash>` and sign
//!    it with the hmac-sha256 and your secret. This ought to match the
//!    Signature part of the 'authorization' header":
//!    `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<base64>`.
//!
//! The secret is the HMAC key as its UTF-8 text: the published examples do
//! `crypto.createHmac("sha256", secret)` (JavaScript) and
//! `new HMACSHA256(Encoding.UTF8.GetBytes(secret))` (C#). The example
//! secret looks like base64 (`A0+AeKBR…/xU6FY/A==`), and decoding it first
//! gives another signature — the test `published_example_verifies` pins
//! both facts.
//!
//! SHA-256 and HMAC are RustCrypto's `sha2` and `hmac`, base64 is the
//! `base64` crate, and signatures are compared in constant time
//! (`subtle`).
//!
//! ```
//! use appswitch_core::providers::vipps_epayment::signature::{verify, WebhookRequest};
//! use appswitch_core::providers::vipps_epayment::WebhookSecret;
//!
//! // The Webhooks API's published sample values.
//! let secret = WebhookSecret::new("A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A==");
//! let request = WebhookRequest {
//!     method: "POST",
//!     path_and_query: "/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63",
//!     host: "webhook.site",
//!     date: "Thu, 30 Mar 2023 08:38:32 GMT",
//!     content_sha256: "lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4=",
//!     authorization: "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U=",
//! };
//! let body = br#"{"some-unique-content":"ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world"}"#;
//! assert_eq!(verify(&secret, &request, body, None), Ok(()));
//! ```

use core::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::webhook::WebhookSecret;
use crate::foundation::time::Timestamp;

/// The header with the request's date (an RFC 1123 HTTP-date).
pub const X_MS_DATE: &str = "x-ms-date";
/// The header with the body's hash.
pub const X_MS_CONTENT_SHA256: &str = "x-ms-content-sha256";
/// The header with the signature.
pub const AUTHORIZATION: &str = "Authorization";
/// The only signed headers the provider publishes, in its order.
pub const SIGNED_HEADERS: &str = "x-ms-date;host;x-ms-content-sha256";
/// The authorization scheme.
pub const SCHEME: &str = "HMAC-SHA256";

/// How far `x-ms-date` may be from the receiver's clock when the caller
/// asks for a freshness check and gives no window of its own. The
/// provider publishes no window; 15 minutes is the clock skew that
/// Azure's HMAC request signing (whose `x-ms-` headers this scheme uses)
/// accepts.
pub const DEFAULT_FRESHNESS_WINDOW: Duration = Duration::from_secs(15 * 60);

type HmacSha256 = Hmac<Sha256>;

/// A received webhook request: the parts that are signed, as received.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WebhookRequest<'a> {
    /// The HTTP method (`POST`).
    pub method: &'a str,
    /// The request target's path and query, as received
    /// (`/webhooks/vipps?shop=1`).
    pub path_and_query: &'a str,
    /// The `Host` header (host, and port when not the default one).
    pub host: &'a str,
    /// The `x-ms-date` header.
    pub date: &'a str,
    /// The `x-ms-content-sha256` header.
    pub content_sha256: &'a str,
    /// The `Authorization` header.
    pub authorization: &'a str,
}

/// The freshness check: `x-ms-date` must be within `window` of `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Freshness {
    /// The receiver's clock.
    pub now: Timestamp,
    /// How far the date may be from `now`, either way.
    pub window: Duration,
}

impl Freshness {
    /// `now` with the [`DEFAULT_FRESHNESS_WINDOW`].
    pub fn at(now: Timestamp) -> Freshness {
        Freshness {
            now,
            window: DEFAULT_FRESHNESS_WINDOW,
        }
    }
}

/// Why a webhook request is not authentic. Each says which check failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WebhookAuthError {
    /// The webhook's secret is empty: nothing can be verified with it.
    #[error("the webhook secret is empty; refusing every request")]
    EmptySecret,
    /// A signed header is missing or empty.
    #[error("the `{0}` header is missing")]
    MissingHeader(&'static str),
    /// The body is not what `x-ms-content-sha256` says.
    #[error(
        "the body's SHA-256 is {computed}, but `x-ms-content-sha256` says {claimed}: the content was modified"
    )]
    ContentHashMismatch {
        /// base64(SHA-256(body)).
        computed: String,
        /// The header.
        claimed: String,
    },
    /// `Authorization` is not `HMAC-SHA256 SignedHeaders=…&Signature=…`.
    #[error(
        "the `Authorization` header is not `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<base64>`: {0}"
    )]
    MalformedAuthorization(&'static str),
    /// The signature names other headers than the provider's three.
    #[error(
        "`SignedHeaders` is `{0}`; the provider signs exactly `x-ms-date;host;x-ms-content-sha256`"
    )]
    UnexpectedSignedHeaders(String),
    /// The signature does not match.
    #[error(
        "the signature does not match (wrong secret, or the method, path, host or date was changed)"
    )]
    SignatureMismatch,
    /// `x-ms-date` is not an HTTP-date.
    #[error("`x-ms-date` is `{0}`, not an HTTP-date (like `Thu, 30 Mar 2023 08:38:32 GMT`)")]
    BadDate(String),
    /// `x-ms-date` is too far from the receiver's clock.
    #[error(
        "`x-ms-date` {date} is {off_secs} s from now ({now}); at most {window_secs} s are accepted"
    )]
    Stale {
        /// The request's date.
        date: Timestamp,
        /// The receiver's clock.
        now: Timestamp,
        /// How far apart, in seconds.
        off_secs: u64,
        /// The window, in seconds.
        window_secs: u64,
    },
}

/// `x-ms-content-sha256` for `body`: base64(SHA-256(raw body)).
pub fn content_hash(body: &[u8]) -> String {
    BASE64.encode(Sha256::digest(body))
}

/// The string the provider signs:
/// `{METHOD}\n{pathAndQuery}\n{x-ms-date};{host};{x-ms-content-sha256}`.
pub fn string_to_sign(
    method: &str,
    path_and_query: &str,
    date: &str,
    host: &str,
    content_sha256: &str,
) -> String {
    format!("{method}\n{path_and_query}\n{date};{host};{content_sha256}")
}

fn mac(secret: &WebhookSecret, text: &str) -> [u8; 32] {
    // HMAC takes keys of any length: `new_from_slice` cannot fail for it.
    match HmacSha256::new_from_slice(secret.expose().as_bytes()) {
        Ok(mut m) => {
            m.update(text.as_bytes());
            m.finalize().into_bytes().into()
        }
        Err(_) => [0; 32],
    }
}

/// The `Authorization` header for a signature.
pub fn authorization_header(signature_base64: &str) -> String {
    format!("{SCHEME} SignedHeaders={SIGNED_HEADERS}&Signature={signature_base64}")
}

/// The three headers a signed delivery carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `x-ms-date`.
    pub date: String,
    /// `x-ms-content-sha256`.
    pub content_sha256: String,
    /// `Authorization`.
    pub authorization: String,
}

/// Signs a delivery of `body` to `host` + `path_and_query` at `date`, as
/// the provider does (what a provider simulator sends).
pub fn sign(
    secret: &WebhookSecret,
    method: &str,
    path_and_query: &str,
    host: &str,
    date: Timestamp,
    body: &[u8],
) -> SignedHeaders {
    let date = http_date(date);
    let content_sha256 = content_hash(body);
    let text = string_to_sign(method, path_and_query, &date, host, &content_sha256);
    let authorization = authorization_header(&BASE64.encode(mac(secret, &text)));
    SignedHeaders {
        date,
        content_sha256,
        authorization,
    }
}

/// The `Signature` of an `Authorization` header, decoded.
fn signature_of(authorization: &str) -> Result<Vec<u8>, WebhookAuthError> {
    let rest = authorization.trim().strip_prefix(SCHEME).ok_or(
        WebhookAuthError::MalformedAuthorization("it does not start with HMAC-SHA256"),
    )?;
    if !rest.starts_with(' ') {
        return Err(WebhookAuthError::MalformedAuthorization(
            "no space after HMAC-SHA256",
        ));
    }
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.trim().split('&') {
        let (name, value) =
            part.split_once('=')
                .ok_or(WebhookAuthError::MalformedAuthorization(
                    "a parameter has no `=`",
                ))?;
        match name.trim() {
            "SignedHeaders" if signed_headers.is_none() => signed_headers = Some(value.trim()),
            "Signature" if signature.is_none() => signature = Some(value.trim()),
            "SignedHeaders" | "Signature" => {
                return Err(WebhookAuthError::MalformedAuthorization(
                    "a parameter is given twice",
                ));
            }
            _ => {
                return Err(WebhookAuthError::MalformedAuthorization(
                    "unknown parameter (only SignedHeaders and Signature)",
                ));
            }
        }
    }
    let signed_headers =
        signed_headers.ok_or(WebhookAuthError::MalformedAuthorization("no SignedHeaders"))?;
    if !signed_headers.eq_ignore_ascii_case(SIGNED_HEADERS) {
        return Err(WebhookAuthError::UnexpectedSignedHeaders(
            signed_headers.to_string(),
        ));
    }
    let signature = signature.ok_or(WebhookAuthError::MalformedAuthorization("no Signature"))?;
    BASE64
        .decode(signature)
        .map_err(|_| WebhookAuthError::MalformedAuthorization("the Signature is not base64"))
}

/// Verifies a webhook delivery: the body against `x-ms-content-sha256`,
/// the signature against the secret, and — when `freshness` is given —
/// `x-ms-date` against the receiver's clock. Without `freshness` the date
/// is only signed, not checked (so that a recorded delivery, like the
/// provider's published example, still verifies).
///
/// A request that fails any check changes nothing: answer it `401`.
pub fn verify(
    secret: &WebhookSecret,
    request: &WebhookRequest<'_>,
    body: &[u8],
    freshness: Option<Freshness>,
) -> Result<(), WebhookAuthError> {
    if secret.expose().is_empty() {
        return Err(WebhookAuthError::EmptySecret);
    }
    let present = |value: &str, name: &'static str| {
        if value.trim().is_empty() {
            Err(WebhookAuthError::MissingHeader(name))
        } else {
            Ok(())
        }
    };
    present(request.date, X_MS_DATE)?;
    present(request.content_sha256, X_MS_CONTENT_SHA256)?;
    present(request.authorization, AUTHORIZATION)?;
    present(request.host, "host")?;
    let computed = content_hash(body);
    let claimed = request.content_sha256.trim();
    if !bool::from(computed.as_bytes().ct_eq(claimed.as_bytes())) {
        return Err(WebhookAuthError::ContentHashMismatch {
            computed,
            claimed: claimed.to_string(),
        });
    }
    let given = signature_of(request.authorization)?;
    let text = string_to_sign(
        request.method.trim(),
        request.path_and_query,
        request.date.trim(),
        request.host.trim(),
        claimed,
    );
    let expected = mac(secret, &text);
    if !bool::from(expected.as_slice().ct_eq(given.as_slice())) {
        return Err(WebhookAuthError::SignatureMismatch);
    }
    if let Some(f) = freshness {
        check_fresh(request.date, f)?;
    }
    Ok(())
}

/// Checks that `date` (an `x-ms-date`) is within the window of `now`.
pub fn check_fresh(date: &str, freshness: Freshness) -> Result<(), WebhookAuthError> {
    let at = parse_http_date(date)?;
    let off = if at > freshness.now {
        at.saturating_since(freshness.now)
    } else {
        freshness.now.saturating_since(at)
    };
    if off > freshness.window {
        return Err(WebhookAuthError::Stale {
            date: at,
            now: freshness.now,
            off_secs: off.as_secs(),
            window_secs: freshness.window.as_secs(),
        });
    }
    Ok(())
}

// The one place that reads and writes HTTP-dates, through
// `foundation::time` (RFC 1123 is the IMF-fixdate of RFC 9110).
fn parse_http_date(date: &str) -> Result<Timestamp, WebhookAuthError> {
    Timestamp::parse_http_date(date.trim()).map_err(|_| WebhookAuthError::BadDate(date.to_string()))
}

fn http_date(at: Timestamp) -> String {
    at.to_http_date()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Webhooks API, "Request authentication": the sample values.
    const SECRET: &str =
        "A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A==";
    const BODY: &[u8] =
        br#"{"some-unique-content":"ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world"}"#;
    const DATE: &str = "Thu, 30 Mar 2023 08:38:32 GMT";
    const HASH: &str = "lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4=";
    const AUTH: &str = "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U=";
    const PATH: &str = "/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63";

    fn request<'a>() -> WebhookRequest<'a> {
        WebhookRequest {
            method: "POST",
            path_and_query: PATH,
            host: "webhook.site",
            date: DATE,
            content_sha256: HASH,
            authorization: AUTH,
        }
    }

    #[test]
    fn published_example_verifies() {
        let secret = WebhookSecret::new(SECRET);
        assert_eq!(content_hash(BODY), HASH);
        assert_eq!(
            string_to_sign("POST", PATH, DATE, "webhook.site", HASH),
            "POST\n/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63\nThu, 30 Mar 2023 08:38:32 GMT;webhook.site;lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4="
        );
        assert_eq!(verify(&secret, &request(), BODY, None), Ok(()));
        // Signing the same request gives the published headers.
        let date = Timestamp::parse_http_date(DATE).unwrap();
        let signed = sign(&secret, "POST", PATH, "webhook.site", date, BODY);
        assert_eq!(signed.date, DATE);
        assert_eq!(signed.content_sha256, HASH);
        assert_eq!(signed.authorization, AUTH);
    }

    #[test]
    fn the_secret_is_its_text_not_its_base64_decoding() {
        // The pitfall: the example secret is valid base64. Keyed with its
        // decoded bytes, HMAC gives another signature, which the
        // provider's example does not carry.
        let decoded = BASE64.decode(SECRET).unwrap();
        let text = string_to_sign("POST", PATH, DATE, "webhook.site", HASH);
        let mut m = HmacSha256::new_from_slice(&decoded).unwrap();
        m.update(text.as_bytes());
        let wrong = BASE64.encode(m.finalize().into_bytes());
        assert_ne!(authorization_header(&wrong), AUTH);
        let as_text = BASE64.encode(mac(&WebhookSecret::new(SECRET), &text));
        assert_eq!(authorization_header(&as_text), AUTH);
    }

    #[test]
    fn every_signed_part_matters() {
        let secret = WebhookSecret::new(SECRET);
        let changed = |f: &dyn Fn(&mut WebhookRequest<'static>)| {
            let mut r = request();
            f(&mut r);
            verify(&secret, &r, BODY, None)
        };
        assert_eq!(
            changed(&|r| r.method = "PUT"),
            Err(WebhookAuthError::SignatureMismatch)
        );
        assert_eq!(
            changed(&|r| r.path_and_query = "/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63?x=1"),
            Err(WebhookAuthError::SignatureMismatch)
        );
        assert_eq!(
            changed(&|r| r.host = "webhook.site:8080"),
            Err(WebhookAuthError::SignatureMismatch)
        );
        assert_eq!(
            changed(&|r| r.date = "Thu, 30 Mar 2023 08:38:33 GMT"),
            Err(WebhookAuthError::SignatureMismatch)
        );
        assert_eq!(
            verify(&WebhookSecret::new("another"), &request(), BODY, None),
            Err(WebhookAuthError::SignatureMismatch)
        );
        assert!(matches!(
            verify(&secret, &request(), b"{}", None),
            Err(WebhookAuthError::ContentHashMismatch { .. })
        ));
        assert_eq!(
            verify(&WebhookSecret::new(""), &request(), BODY, None),
            Err(WebhookAuthError::EmptySecret)
        );
        assert_eq!(
            changed(&|r| r.authorization = ""),
            Err(WebhookAuthError::MissingHeader(AUTHORIZATION))
        );
        assert_eq!(
            changed(&|r| r.date = " "),
            Err(WebhookAuthError::MissingHeader(X_MS_DATE))
        );
    }

    #[test]
    fn malformed_authorization_headers_say_why() {
        let secret = WebhookSecret::new(SECRET);
        for auth in [
            "Bearer abc",
            "HMAC-SHA256SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=a",
            "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256",
            "HMAC-SHA256 Signature=agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U=",
            "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=%%%",
            "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=a&Signature=b",
            "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Nonce=1",
        ] {
            let mut r = request();
            r.authorization = auth;
            assert!(
                matches!(
                    verify(&secret, &r, BODY, None),
                    Err(WebhookAuthError::MalformedAuthorization(_))
                ),
                "{auth}"
            );
        }
        let mut r = request();
        r.authorization = "HMAC-SHA256 SignedHeaders=host;x-ms-content-sha256&Signature=agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U=";
        assert!(matches!(
            verify(&secret, &r, BODY, None),
            Err(WebhookAuthError::UnexpectedSignedHeaders(_))
        ));
    }

    #[test]
    fn freshness_is_a_window_on_both_sides() {
        let secret = WebhookSecret::new(SECRET);
        let date = Timestamp::parse_http_date(DATE).unwrap();
        let window = Duration::from_secs(300);
        for (now, ok) in [
            (date, true),
            (date + window, true),
            (date + window + Duration::from_secs(1), false),
            (date.saturating_sub(window), true),
            (date.saturating_sub(window + Duration::from_secs(1)), false),
        ] {
            let r = verify(&secret, &request(), BODY, Some(Freshness { now, window }));
            assert_eq!(r.is_ok(), ok, "{now}: {r:?}");
            if let Err(e) = r {
                assert!(
                    matches!(e, WebhookAuthError::Stale { off_secs: 301, .. }),
                    "{e}"
                );
            }
        }
        assert!(matches!(
            check_fresh("yesterday", Freshness::at(date)),
            Err(WebhookAuthError::BadDate(_))
        ));
    }
}
