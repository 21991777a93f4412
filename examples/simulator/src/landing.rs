//! The landing page (and the "app" behind an `isApp` deeplink), where the
//! simulated shopper approves, rejects, has the card refused, or closes
//! the app.
//!
//! - `GET /dwo-api-application/v1/deeplink/vippsgateway?v=2&token=…`: the
//!   landing page URL of an `isApp: false` initiate.
//! - `GET /deeplink?token=…`: the HTTP stand-in for `vippsMT://?token=…`
//!   (there is no Vipps app here), serving the same page.
//! - `POST /landing/decide` (form: `token`, `choice` =
//!   `approve|reject|fail|close`): the decision. The provider calls the
//!   merchant's `callbackPrefix` once, then redirects (`303`) to the
//!   `fallBack` URL with the deprecated `status` appended ("Vipps will
//!   append a status at the end of the fallback URL", Vipps eCom API guide).
//!
//! Opening the page starts the shopper's five minutes "in the app"; a link
//! not opened within five minutes is dead (`410`).

use std::sync::Arc;

use appswitch_core::foundation::money::Amount;
use appswitch_core::foundation::time::Timestamp;
use appswitch_core::shopper::url::PROVIDER_STATUS_PARAM;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use crate::payment::{Choice, Payment, Phase};
use crate::state::{Outgoing, Shared, route_callback};
use crate::util::escape_html;

/// Why the shopper's choice cannot be taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The link or the time in the app ran out.
    Expired,
    /// The payment is no longer waiting for the shopper.
    AlreadyDecided,
}

/// Where the shopper goes after deciding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Back {
    /// Redirected to the fallback URL (with `status` appended).
    Redirect(String),
    /// `fallBack` is `INTENT`: the app closes and Android resumes the
    /// merchant's app.
    IntentClose,
    /// The shopper closed the app (fault `userClosesApp`): no return.
    AppClosed,
}

/// The outcome of a decision.
#[derive(Debug)]
pub(crate) struct Decided {
    /// The callback to send now.
    pub(crate) callback: Vec<Outgoing>,
    /// Where the shopper goes.
    pub(crate) back: Back,
}

/// The deprecated `status` appended to the fallback URL. The eCom guide's only
/// example is `status=301`, without a table; appswitch ignores the value,
/// so the simulator sends the deprecated status names.
fn deprecated_status(choice: Choice) -> &'static str {
    match choice {
        Choice::Approve => "RESERVE",
        Choice::Reject => "CANCEL",
        Choice::Fail => "FAILED",
    }
}

/// `fallback` with `&status=…` or `?status=…` appended, as the provider
/// does ("`merchantApp://result?myAppData&status=301`").
pub(crate) fn with_status(fallback: &str, status: &str) -> String {
    let sep = if fallback.contains('?') { '&' } else { '?' };
    format!("{fallback}{sep}{PROVIDER_STATUS_PARAM}={status}")
}

/// The shopper's `choice` on payment `p` at `now`.
pub(crate) fn shopper_decides(
    p: &mut Payment,
    choice: Choice,
    now: Timestamp,
    txn: String,
) -> Result<Decided, Refusal> {
    if p.phase != Phase::AwaitingShopper {
        return Err(Refusal::AlreadyDecided);
    }
    if now >= p.deadline() {
        return Err(Refusal::Expired);
    }
    if p.opened_at.is_none() {
        p.opened_at = Some(now);
    }
    let late = match choice {
        Choice::Approve => p.faults.reserve_late(),
        Choice::Reject | Choice::Fail => None,
    };
    let closes = choice == Choice::Approve && p.faults.user_closes_app;
    let callback = p
        .decide(choice, now, txn, late)
        .map(|cb| route_callback(p, cb, now, closes))
        .unwrap_or_default();
    let fallback = &p.request.merchant_info.fall_back;
    let back = if closes {
        Back::AppClosed
    } else if fallback == "INTENT" {
        Back::IntentClose
    } else {
        Back::Redirect(with_status(fallback, deprecated_status(choice)))
    };
    Ok(Decided { callback, back })
}

/// The `token` query of the landing page and the deeplink stand-in.
#[derive(Debug, Deserialize)]
pub(crate) struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// `GET` the landing page (or the deeplink's stand-in).
pub(crate) async fn page(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<TokenQuery>,
) -> Response {
    shared.tick().await;
    let now = shared.now();
    let mut inner = shared.lock();
    let Some(order_id) = inner.landing.get(&q.token).cloned() else {
        return page_response(
            StatusCode::NOT_FOUND,
            "Unknown payment",
            "<p>This payment link is not known.</p>",
        );
    };
    let Some(p) = inner.orders.get_mut(&order_id) else {
        return page_response(
            StatusCode::NOT_FOUND,
            "Unknown payment",
            "<p>This payment link is not known.</p>",
        );
    };
    if p.phase == Phase::AwaitingShopper && p.link_valid(now) && p.opened_at.is_none() {
        p.opened_at = Some(now);
    }
    if p.phase != Phase::AwaitingShopper {
        let state = p.state().name().as_str();
        let (status, text) = if p.opened_at.is_none() && state == "rejected" {
            (
                StatusCode::GONE,
                "This payment link has expired: it was valid for five minutes.".to_string(),
            )
        } else {
            (StatusCode::OK, format!("This payment is {state}."))
        };
        return page_response(status, "Payment", &format!("<p>{}</p>", escape_html(&text)));
    }
    let left = p.deadline().as_millis().saturating_sub(now.as_millis()) / 1000;
    let body = format!(
        r#"<p class="merchant">Merchant {msn}</p>
<p class="amount">{amount} kr</p>
<p class="text">{text}</p>
<p class="order">Order <code>{order}</code>{express}</p>
<p class="left">Time left: <span id="left">{m}:{s:02}</span></p>
<form method="post" action="/landing/decide">
<input type="hidden" name="token" value="{token}">
<button name="choice" value="approve" id="approve">Approve</button>
<button name="choice" value="reject" id="reject">Reject</button>
<button name="choice" value="fail" id="fail">Card refused</button>
<button name="choice" value="close" id="close">Close the app</button>
</form>"#,
        msn = escape_html(p.request.merchant_info.merchant_serial_number.as_str()),
        amount = kroner(p.amount()),
        text = escape_html(&p.request.transaction.transaction_text),
        order = escape_html(p.order_id()),
        express = if p.request.is_express() {
            " (express checkout)"
        } else {
            ""
        },
        m = left / 60,
        s = left % 60,
        token = escape_html(&q.token),
    );
    page_response(StatusCode::OK, "Pay with Vipps (simulated)", &body)
}

fn kroner(a: Amount) -> String {
    format!("{},{:02}", a.minor() / 100, a.minor() % 100)
}

/// The landing page form.
#[derive(Debug, Deserialize)]
pub(crate) struct DecideForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    choice: String,
}

/// `POST /landing/decide`.
pub(crate) async fn decide(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<DecideForm>,
) -> Response {
    let choice = match form.choice.as_str() {
        "approve" => Choice::Approve,
        "reject" => Choice::Reject,
        "fail" => Choice::Fail,
        "close" => {
            return page_response(
                StatusCode::OK,
                "App closed",
                "<p>You closed the app without deciding. The payment times out after five minutes.</p>",
            );
        }
        other => {
            return page_response(
                StatusCode::BAD_REQUEST,
                "Bad choice",
                &format!("<p>Unknown choice <code>{}</code>.</p>", escape_html(other)),
            );
        }
    };
    match decide_by_token(&shared, &form.token, choice).await {
        Ok(Back::Redirect(url)) => {
            (StatusCode::SEE_OTHER, [(header::LOCATION, url)]).into_response()
        }
        Ok(Back::IntentClose) => page_response(
            StatusCode::OK,
            "Done",
            "<p>The Vipps app closes, and Android resumes the merchant's app (<code>INTENT</code>).</p>",
        ),
        Ok(Back::AppClosed) => page_response(
            StatusCode::OK,
            "App closed",
            "<p>You closed the Vipps app while the payment was processed. You are not sent back.</p>",
        ),
        Err(Some(Refusal::Expired)) => {
            page_response(StatusCode::GONE, "Expired", "<p>The payment timed out.</p>")
        }
        Err(Some(Refusal::AlreadyDecided)) => page_response(
            StatusCode::CONFLICT,
            "Already decided",
            "<p>This payment is already decided.</p>",
        ),
        Err(None) => page_response(
            StatusCode::NOT_FOUND,
            "Unknown payment",
            "<p>This payment link is not known.</p>",
        ),
    }
}

/// Decides for the payment behind landing `token`, sends its callback,
/// and says where the shopper goes (`Err(None)`: unknown token).
pub(crate) async fn decide_by_token(
    shared: &Shared,
    token: &str,
    choice: Choice,
) -> Result<Back, Option<Refusal>> {
    shared.tick().await;
    let order_id = shared.lock().landing.get(token).cloned().ok_or(None)?;
    decide_by_order(shared, &order_id, choice).await
}

/// Decides for order `order_id` (see [`decide_by_token`]).
pub(crate) async fn decide_by_order(
    shared: &Shared,
    order_id: &str,
    choice: Choice,
) -> Result<Back, Option<Refusal>> {
    shared.tick().await;
    if choice == Choice::Approve {
        crate::shipping::fetch_options(shared, order_id).await;
    }
    let now = shared.now();
    let decided = {
        let mut inner = shared.lock();
        let txn = inner.transaction_id();
        let p = inner.orders.get_mut(order_id).ok_or(None)?;
        shopper_decides(p, choice, now, txn).map_err(Some)?
    };
    shared.send_all(decided.callback).await;
    Ok(decided.back)
}

pub(crate) fn page_response(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 26rem; margin: 2rem auto; padding: 0 1rem; }}
h1 {{ color: #ff5b24; font-size: 1.3rem; }}
.amount {{ font-size: 2rem; font-weight: bold; margin: .5rem 0; }}
button {{ display: block; width: 100%; margin: .5rem 0; padding: .8rem; font-size: 1rem; border-radius: .5rem; border: 1px solid #ccc; }}
#approve {{ background: #ff5b24; color: white; border: none; }}
</style></head>
<body><h1>{title}</h1>
<p><small>appswitch provider simulator — not the real Vipps</small></p>
{body}
</body></html>"#,
        title = escape_html(title),
    );
    (status, Html(html)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_is_appended_as_the_seed_shows() {
        assert_eq!(
            with_status("merchantApp://result?myAppData", "301"),
            "merchantApp://result?myAppData&status=301"
        );
        assert_eq!(
            with_status("https://shop.example/return", "RESERVE"),
            "https://shop.example/return?status=RESERVE"
        );
    }
}
