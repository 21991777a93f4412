//! `appswitch conform STATUS_URL`: does a merchant backend's status
//! endpoint keep appswitch's contract? For a PHP or Node backend (or any
//! other) that serves appswitch's status document to the browser module
//! and the apps.
//!
//! ```text
//! appswitch conform STATUS_URL [--wait N] [--wake-url URL [--wake-body JSON]]
//!                              [--burst N] [--secret VALUE]...
//! ```
//!
//! `STATUS_URL` is the status URL of one payment that nobody has decided
//! yet (a fresh checkout in a test environment). The rules, in order:
//!
//! | rule | passes when |
//! |---|---|
//! | `answers-json` | `GET STATUS_URL` answers `200` with `Content-Type: application/json` |
//! | `schema` | the document is valid against `schema/status-document.v1.json` |
//! | `consistent` | appswitch-core reads it: a known `version`, `final` agreeing with `status`, `updatedAt` in RFC 3339 |
//! | `answers-at-once` | a plain `GET` (no `?wait=`) answers within 2 s |
//! | `long-poll-holds` | `GET STATUS_URL?wait=N` (default 3) is held about `N` s (no sooner than `N` − 0.5 s, no later than `N` + 5 s) while nothing changes, and then answers a valid document |
//! | `long-poll-woken` | a long poll (`?wait=20`) is answered, with the new status, within 5 s of the wake hook being called |
//! | `no-secrets` | no answer (body or headers) carries a secret: no JSON key naming a token, secret, password, credential or key; no JWT-shaped value, no `Bearer`/`Basic` credentials, no URL with a `token` parameter; no `Authorization`-like response header; none of the `--secret` values |
//! | `rate-limit` | within `--burst` requests (default 300) in a row the backend answers `429`, with a `Retry-After` of delta-seconds or an HTTP date |
//!
//! ## How the long poll is woken
//!
//! The checker cannot pay on a backend it does not control, so the wake is
//! the merchant's test hook: `--wake-url URL` is a URL that, when `POST`ed
//! (with `--wake-body` as its JSON body, if given), makes *this* payment
//! change — in a test environment typically the provider's or a
//! simulator's "approve" (the appswitch simulator's is
//! `POST /_sim/orders/{orderId}/shopper` with `{"choice": "approve"}`; Vipps'
//! test environment has the eCom API's force-approve endpoint). The checker
//! starts a long poll, calls the hook one second later, and measures when
//! the long poll answers. Without `--wake-url` the rule is skipped: the
//! hold and its timeout are still checked.
//!
//! The rate-limit rule runs last: it spends the client's allowance.
//!
//! Each rule prints `PASS`, `FAIL` or `SKIP` with what it saw. Exit
//! status: 0 when every rule ran and passed, 1 when one failed, 3 when none
//! failed but some were skipped, 2 for usage errors.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use appswitch_core::foundation::retry::RetryAfter;
use appswitch_core::status::StatusDocument;
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use serde_json::Value;

use crate::input;

const USAGE: &str = "appswitch conform STATUS_URL [--wait N] [--wake-url URL [--wake-body JSON]] [--burst N] [--secret VALUE]...";

/// How long a plain request may take.
const AT_ONCE: Duration = Duration::from_secs(2);
/// How long after the wake the long poll must answer.
const WOKEN_WITHIN: Duration = Duration::from_secs(5);
/// The long poll the wake must end early.
const WAKE_WAIT: u64 = 20;

#[derive(Debug)]
struct Options {
    url: String,
    wait: u64,
    wake_url: Option<String>,
    wake_body: Option<String>,
    burst: usize,
    secrets: Vec<String>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut url = None;
    let mut o = Options {
        url: String::new(),
        wait: 3,
        wake_url: None,
        wake_body: None,
        burst: 300,
        secrets: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("`{name}` needs a value"))
        };
        match a.as_str() {
            "--wait" => {
                o.wait = value("--wait")?
                    .parse()
                    .map_err(|_| "`--wait` takes whole seconds".to_string())?;
            }
            "--wake-url" => o.wake_url = Some(value("--wake-url")?),
            "--wake-body" => o.wake_body = Some(value("--wake-body")?),
            "--burst" => {
                o.burst = value("--burst")?
                    .parse()
                    .map_err(|_| "`--burst` takes a number".to_string())?;
            }
            "--secret" => o.secrets.push(value("--secret")?),
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
            positional if url.is_none() => url = Some(positional.to_string()),
            extra => return Err(format!("unexpected argument `{extra}`")),
        }
    }
    o.url = url.ok_or("a STATUS_URL is required")?;
    if !(o.url.starts_with("http://") || o.url.starts_with("https://")) {
        return Err(format!("`{}` is not an http(s) URL", o.url));
    }
    if let Some(body) = &o.wake_body {
        serde_json::from_str::<Value>(body).map_err(|e| format!("`--wake-body`: {e}"))?;
    }
    Ok(o)
}

/// Runs the command.
pub fn run(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!(
            "usage: {USAGE}\n\nChecks a backend's status endpoint against appswitch's contract (see the crate docs)."
        );
        return ExitCode::SUCCESS;
    }
    let options = match parse(args) {
        Ok(o) => o,
        Err(e) => return input::usage(&e, USAGE),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("appswitch conform: {e}");
            return ExitCode::FAILURE;
        }
    };
    let results = runtime.block_on(check(&options));
    println!("appswitch conform {}", options.url);
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for (name, outcome) in &results {
        let (word, detail) = match outcome {
            Outcome::Pass(d) => {
                passed += 1;
                ("PASS", d)
            }
            Outcome::Fail(d) => {
                failed += 1;
                ("FAIL", d)
            }
            Outcome::Skip(d) => {
                skipped += 1;
                ("SKIP", d)
            }
        };
        println!("  {word}  {name:<16} {detail}");
    }
    println!("{passed} passed, {failed} failed, {skipped} skipped");
    if failed > 0 {
        ExitCode::FAILURE
    } else if skipped > 0 {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    }
}

#[derive(Debug)]
enum Outcome {
    Pass(String),
    Fail(String),
    Skip(String),
}

/// One answer of the backend.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: String,
    elapsed: Duration,
}

impl Answer {
    fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }
}

struct Checker {
    http: reqwest::Client,
    validator: Result<jsonschema::Validator, String>,
    seen: Vec<Answer>,
}

impl Checker {
    async fn get(&mut self, url: &str, timeout: Duration) -> Result<usize, String> {
        let started = Instant::now();
        let r = self
            .http
            .get(url)
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| format!("GET {url}: {e}"))?;
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let body = r.text().await.map_err(|e| format!("GET {url}: {e}"))?;
        self.seen.push(Answer {
            status,
            headers,
            body,
            elapsed: started.elapsed(),
        });
        Ok(self.seen.len() - 1)
    }

    /// Why `doc` is not valid against the schema, if it is not.
    fn invalid(&self, doc: &Value) -> Option<String> {
        let validator = match &self.validator {
            Ok(v) => v,
            Err(e) => return Some(e.clone()),
        };
        let errors: Vec<String> = validator
            .iter_errors(doc)
            .take(5)
            .map(|e| format!("`{}`: {e}", e.instance_path()))
            .collect();
        (!errors.is_empty()).then(|| errors.join("; "))
    }
}

fn with_wait(url: &str, wait: u64) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}wait={wait}")
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

async fn check(o: &Options) -> Vec<(&'static str, Outcome)> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            return vec![(
                "answers-json",
                Outcome::Fail(format!("no HTTP client: {e}")),
            )];
        }
    };
    let schema: Result<Value, String> =
        serde_json::from_str(crate::schema::COMMITTED).map_err(|e| e.to_string());
    let validator = schema.and_then(|s| jsonschema::validator_for(&s).map_err(|e| e.to_string()));
    let mut c = Checker {
        http,
        validator,
        seen: Vec::new(),
    };
    let mut out = Vec::new();

    // answers-json, schema, consistent, answers-at-once
    let first = match c.get(&o.url, Duration::from_secs(30)).await {
        Ok(i) => i,
        Err(e) => {
            out.push(("answers-json", Outcome::Fail(e)));
            return out;
        }
    };
    let a = &c.seen[first];
    let content_type = a
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let doc = a.json();
    let json_type = content_type
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
    out.push((
        "answers-json",
        if a.status == 200 && json_type && doc.is_some() {
            Outcome::Pass(format!("200, {content_type}"))
        } else {
            Outcome::Fail(format!(
                "{} with `Content-Type: {content_type}`{}",
                a.status,
                if doc.is_some() { "" } else { ", not JSON" }
            ))
        },
    ));
    let at_once = a.elapsed;
    let Some(doc) = doc else {
        for rule in ["schema", "consistent", "long-poll-holds", "long-poll-woken"] {
            out.push((rule, Outcome::Skip("no document to check".into())));
        }
        rate_and_secrets(&mut c, o, &mut out).await;
        return out;
    };
    out.push((
        "schema",
        match c.invalid(&doc) {
            None => Outcome::Pass("valid against status-document.v1.json".into()),
            Some(why) => Outcome::Fail(why),
        },
    ));
    let read = serde_json::from_value::<StatusDocument>(doc.clone())
        .map_err(|e| e.to_string())
        .and_then(|d| d.to_status().map(|_| d).map_err(|e| e.to_string()));
    out.push((
        "consistent",
        match &read {
            Ok(d) => Outcome::Pass(format!(
                "version {}, status `{}`, final {}",
                d.version,
                d.status.as_str(),
                d.is_final
            )),
            Err(e) => Outcome::Fail(e.clone()),
        },
    ));
    out.push((
        "answers-at-once",
        if at_once <= AT_ONCE {
            Outcome::Pass(format!("in {}", secs(at_once)))
        } else {
            Outcome::Fail(format!("took {} without `?wait=`", secs(at_once)))
        },
    ));

    let is_final = doc.get("final").and_then(Value::as_bool).unwrap_or(true);
    let status_of = |v: &Value| v.get("status").cloned().unwrap_or(Value::Null);
    let before = status_of(&doc);
    if is_final {
        let why = "the payment is decided already: give the status URL of one nobody has decided";
        out.push(("long-poll-holds", Outcome::Skip(why.into())));
        out.push(("long-poll-woken", Outcome::Skip(why.into())));
    } else {
        // long-poll-holds
        let url = with_wait(&o.url, o.wait);
        let timeout = Duration::from_secs(o.wait + 30);
        let held = match c.get(&url, timeout).await {
            Err(e) => Outcome::Fail(e),
            Ok(i) => {
                let a = &c.seen[i];
                let wait = Duration::from_secs(o.wait);
                let doc = a.json();
                let changed = doc.as_ref().is_some_and(|d| status_of(d) != before);
                let invalid = doc
                    .as_ref()
                    .map_or(Some("not JSON".into()), |d| c.invalid(d));
                if a.status != 200 {
                    Outcome::Fail(format!("?wait={} answered {}", o.wait, a.status))
                } else if let Some(why) = invalid {
                    Outcome::Fail(format!("the held answer: {why}"))
                } else if changed {
                    Outcome::Pass(format!(
                        "answered after {}: the status changed meanwhile",
                        secs(a.elapsed)
                    ))
                } else if a.elapsed + Duration::from_millis(500) < wait {
                    Outcome::Fail(format!(
                        "?wait={} answered after {} with nothing changed: not held (clients then poll every 2 s)",
                        o.wait,
                        secs(a.elapsed)
                    ))
                } else if a.elapsed > wait + Duration::from_secs(5) {
                    Outcome::Fail(format!("?wait={} held {}", o.wait, secs(a.elapsed)))
                } else {
                    Outcome::Pass(format!("?wait={} held {}", o.wait, secs(a.elapsed)))
                }
            }
        };
        out.push(("long-poll-holds", held));
        // long-poll-woken
        out.push((
            "long-poll-woken",
            match &o.wake_url {
                None => Outcome::Skip(
                    "give `--wake-url` (a test hook that changes this payment) to check".into(),
                ),
                Some(hook) => woken(&mut c, o, hook, &before).await,
            },
        ));
    }
    rate_and_secrets(&mut c, o, &mut out).await;
    out
}

/// The long poll, the wake hook a second into it, and when it answered.
async fn woken(c: &mut Checker, o: &Options, hook: &str, before: &Value) -> Outcome {
    let url = with_wait(&o.url, WAKE_WAIT);
    let http = c.http.clone();
    let poll = tokio::spawn(async move {
        let started = Instant::now();
        let r = http
            .get(&url)
            .timeout(Duration::from_secs(WAKE_WAIT + 30))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let body = r.text().await.map_err(|e| e.to_string())?;
        Ok::<_, String>((
            Answer {
                status,
                headers,
                body,
                elapsed: started.elapsed(),
            },
            Instant::now(),
        ))
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    let called_at = Instant::now();
    let mut request = c.http.post(hook).timeout(Duration::from_secs(30));
    if let Some(body) = &o.wake_body {
        request = request
            .header(CONTENT_TYPE, "application/json")
            .body(body.clone());
    }
    let hook_answer = request.send().await;
    match hook_answer {
        Err(e) => return Outcome::Fail(format!("the wake hook {hook}: {e}")),
        Ok(r) if !r.status().is_success() => {
            return Outcome::Fail(format!("the wake hook {hook} answered {}", r.status()));
        }
        Ok(_) => {}
    }
    let (answer, answered_at) = match poll.await {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => return Outcome::Fail(e),
        Err(e) => return Outcome::Fail(e.to_string()),
    };
    let doc = answer.json();
    let after = answer.status;
    let invalid = doc
        .as_ref()
        .map_or(Some("not JSON".into()), |d| c.invalid(d));
    let now_status = doc
        .as_ref()
        .and_then(|d| d.get("status").cloned())
        .unwrap_or(Value::Null);
    let latency = answered_at.saturating_duration_since(called_at);
    c.seen.push(answer);
    if after != 200 {
        Outcome::Fail(format!("the long poll answered {after}"))
    } else if let Some(why) = invalid {
        Outcome::Fail(format!("the woken answer: {why}"))
    } else if now_status == *before {
        Outcome::Fail(format!(
            "answered {} after the wake with the status unchanged ({now_status})",
            secs(latency)
        ))
    } else if latency > WOKEN_WITHIN {
        Outcome::Fail(format!("answered {} after the wake", secs(latency)))
    } else {
        Outcome::Pass(format!(
            "{before} → {now_status}, {} after the wake hook was called",
            secs(latency)
        ))
    }
}

/// `rate-limit`, then `no-secrets` over everything seen.
async fn rate_and_secrets(c: &mut Checker, o: &Options, out: &mut Vec<(&'static str, Outcome)>) {
    let started = Instant::now();
    let mut rate = Outcome::Fail(format!(
        "no 429 after {} requests in a row: a client polling too fast is never told to slow down",
        o.burst
    ));
    for n in 1..=o.burst {
        let i = match c.get(&o.url, Duration::from_secs(30)).await {
            Ok(i) => i,
            Err(e) => {
                rate = Outcome::Fail(e);
                break;
            }
        };
        let a = &c.seen[i];
        if a.status == 429 {
            let header = a.headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok());
            rate = match header.map(|h| (h, RetryAfter::parse(h))) {
                None => Outcome::Fail(format!("429 after {n} requests, without `Retry-After`")),
                Some((h, Err(e))) => Outcome::Fail(format!("429 with `Retry-After: {h}`: {e}")),
                Some((h, Ok(_))) => Outcome::Pass(format!(
                    "429 after {n} requests in {}, `Retry-After: {h}`",
                    secs(started.elapsed())
                )),
            };
            break;
        }
    }
    out.push(("rate-limit", rate));
    let leaks: Vec<String> = c
        .seen
        .iter()
        .flat_map(|a| leaks_in(a, &o.secrets))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    out.push((
        "no-secrets",
        if leaks.is_empty() {
            Outcome::Pass(format!("none in {} answers", c.seen.len()))
        } else {
            Outcome::Fail(leaks.join("; "))
        },
    ));
}

/// JSON keys that name a secret.
fn secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "token",
        "secret",
        "password",
        "credential",
        "authorization",
        "apikey",
        "api_key",
    ]
    .iter()
    .any(|w| k.contains(w))
        || k == "key"
        || k.ends_with("key") && !k.ends_with("monkey")
}

/// A value shaped like a JWT: three base64url segments, the first a JSON
/// object (`eyJ`).
fn jwt_shaped(s: &str) -> bool {
    s.split(|c: char| c.is_whitespace() || c == '"' || c == '=' || c == '&' || c == '?')
        .any(|word| {
            let parts: Vec<&str> = word.split('.').collect();
            parts.len() == 3
                && parts[0].starts_with("eyJ")
                && parts.iter().all(|p| {
                    p.len() >= 4
                        && p.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                })
        })
}

fn secret_value(s: &str) -> Option<&'static str> {
    let lower = s.to_ascii_lowercase();
    if jwt_shaped(s) {
        Some("a JWT-shaped value")
    } else if lower.starts_with("bearer ") || lower.starts_with("basic ") {
        Some("credentials (`Bearer`/`Basic`)")
    } else if (lower.contains("?token=") || lower.contains("&token=")) && lower.contains("://") {
        Some("a URL with a `token` parameter")
    } else {
        None
    }
}

fn walk(v: &Value, path: &str, found: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                let here = format!("{path}/{k}");
                if secret_key(k) {
                    found.push(format!("body key `{here}` names a secret"));
                }
                walk(v, &here, found);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, &format!("{path}/{i}"), found);
            }
        }
        Value::String(s) => {
            if let Some(what) = secret_value(s) {
                found.push(format!("body `{path}` holds {what}"));
            }
        }
        _ => {}
    }
}

fn leaks_in(a: &Answer, secrets: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    if let Some(doc) = a.json() {
        walk(&doc, "", &mut found);
    } else if let Some(what) = secret_value(&a.body) {
        found.push(format!("the body holds {what}"));
    }
    for (name, value) in &a.headers {
        let n = name.as_str();
        if matches!(
            n,
            "authorization" | "proxy-authorization" | "x-api-key" | "ocp-apim-subscription-key"
        ) {
            found.push(format!("response header `{n}`"));
        }
        if let Some(what) = value.to_str().ok().and_then(secret_value) {
            found.push(format!("header `{n}` holds {what}"));
        }
    }
    for s in secrets.iter().filter(|s| !s.is_empty()) {
        let in_headers = a
            .headers
            .values()
            .any(|v| v.to_str().is_ok_and(|v| v.contains(s.as_str())));
        if a.body.contains(s.as_str()) || in_headers {
            found.push("a `--secret` value appears in an answer".into());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_recognised_by_name_and_shape() {
        for k in [
            "authToken",
            "token",
            "client_secret",
            "password",
            "merchantKey",
            "key",
            "apiKey",
        ] {
            assert!(secret_key(k), "{k}");
        }
        for k in [
            "status",
            "orderId",
            "amounts",
            "final",
            "updatedAt",
            "reason",
        ] {
            assert!(!secret_key(k), "{k}");
        }
        assert!(jwt_shaped("eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl"));
        assert!(jwt_shaped(
            "https://x.test/land?token=eyJraWQiOi.eyJzdWIiOiJ.abcd_-12"
        ));
        assert!(!jwt_shaped("123456-y6k5-7p7p-q23s"));
        assert!(!jwt_shaped("2018-12-12T11:18:38.246Z"));
        assert_eq!(
            secret_value("Bearer abc"),
            Some("credentials (`Bearer`/`Basic`)")
        );
        assert_eq!(
            secret_value("https://pay.test/landing?token=abc"),
            Some("a URL with a `token` parameter")
        );
        assert_eq!(secret_value("the provider did not answer"), None);
    }

    #[test]
    fn options_are_read_and_checked() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let o = parse(&args(&[
            "http://x/status",
            "--wait",
            "2",
            "--wake-url",
            "http://h",
            "--wake-body",
            "{}",
            "--secret",
            "s",
        ]))
        .unwrap();
        assert_eq!(
            (o.wait, o.wake_url.as_deref(), o.secrets.len()),
            (2, Some("http://h"), 1)
        );
        assert!(parse(&args(&[])).is_err());
        assert!(parse(&args(&["ftp://x"])).is_err());
        assert!(parse(&args(&["http://x", "--wait", "soon"])).is_err());
        assert!(parse(&args(&["http://x", "--wake-body", "{nope"])).is_err());
        assert_eq!(with_wait("http://x/s", 3), "http://x/s?wait=3");
        assert_eq!(with_wait("http://x/s?a=1", 3), "http://x/s?a=1&wait=3");
    }
}
