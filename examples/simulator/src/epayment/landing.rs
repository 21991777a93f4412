//! The ePayment landing page, where the simulated shopper approves,
//! rejects, has the card refused, or closes the app — the stand-in for
//! `https://landing.vipps.no?token=…` (`WEB_REDIRECT`), for the test app
//! behind `vippsMT://?token=…` (`NATIVE_REDIRECT`) and for a scanned QR
//! code (`QR`).
//!
//! - `GET /epayment/landing?token=…` (and `GET /epayment/qr?token=…`):
//!   the page. Opening it starts the shopper's five minutes "in the app".
//! - `POST /epayment/landing/decide` (form: `token`, `choice` =
//!   `approve|reject|fail|close`): the decision; then `303` to the
//!   `returnUrl` (a `PUSH_MESSAGE` or `QR` payment without one shows a
//!   page instead). A refused card leaves the payment waiting: "if the
//!   user attempts to pay with a declined card, they can retry with a
//!   different card for the same payment process" (ePayment API guide,
//!   "Create payment").

use std::sync::Arc;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::payment::{Choice, Phase};
use crate::landing::page_response;
use crate::state::Shared;
use crate::util::escape_html;

/// The landing page URL of a payment.
pub(crate) fn landing_url(base: &str, token: &str) -> String {
    format!("{base}/epayment/landing?token={token}")
}

/// Where the shopper goes after deciding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Back {
    /// Redirected to the `returnUrl`.
    Redirect(String),
    /// No `returnUrl` (a push message, a QR code): the app just closes.
    Stays,
    /// The shopper closed the app (fault `userClosesApp`): no return.
    AppClosed,
    /// The card was refused; the shopper is still in the app.
    TryAgain,
}

/// Why the shopper's choice cannot be taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Unknown token or reference.
    Unknown,
    /// The time ran out.
    Expired,
    /// Already decided.
    AlreadyDecided,
}

/// The shopper decides for `reference` at the simulator's now.
pub(crate) async fn decide(
    shared: &Shared,
    reference: &str,
    choice: Choice,
) -> Result<Back, Refusal> {
    super::tick(shared).await;
    let now = shared.now();
    let back = {
        let mut inner = shared.lock();
        let inner = &mut *inner;
        let p = inner
            .epayment
            .payments
            .get_mut(reference)
            .ok_or(Refusal::Unknown)?;
        let late = match choice {
            Choice::Approve => p.faults.reserve_late(),
            Choice::Reject | Choice::Fail => None,
        };
        let events = p.decide(choice, now, late).map_err(|expired| {
            if expired {
                Refusal::Expired
            } else {
                Refusal::AlreadyDecided
            }
        })?;
        let faults = p.faults.clone();
        let back = if choice == Choice::Fail {
            Back::TryAgain
        } else if choice == Choice::Approve && faults.user_closes_app {
            Back::AppClosed
        } else {
            match &p.request.return_url {
                Some(url) => Back::Redirect(url.clone()),
                None => Back::Stays,
            }
        };
        let msn = shared.config.merchant.msn.clone();
        inner.epayment.webhooks.enqueue(&msn, &events, &faults, now);
        back
    };
    super::tick(shared).await;
    Ok(back)
}

/// The `token` query.
#[derive(Debug, Deserialize)]
pub(crate) struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// `GET /epayment/landing` and `GET /epayment/qr`.
pub(crate) async fn page(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<TokenQuery>,
) -> Response {
    super::tick(&shared).await;
    let now = shared.now();
    let mut inner = shared.lock();
    let inner = &mut *inner;
    let unknown = || {
        page_response(
            StatusCode::NOT_FOUND,
            "Unknown payment",
            "<p>This payment link is not known.</p>",
        )
    };
    let Some(reference) = inner.epayment.landing.get(&q.token).cloned() else {
        return unknown();
    };
    let Some(p) = inner.epayment.payments.get_mut(&reference) else {
        return unknown();
    };
    if p.phase != Phase::AwaitingShopper {
        let text = format!("This payment is {}.", p.state);
        return page_response(
            StatusCode::OK,
            "Payment",
            &format!("<p>{}</p>", escape_html(&text)),
        );
    }
    if p.opened_at.is_none() && now < p.deadline() {
        p.opened_at = Some(now);
    }
    let left = p.deadline().as_millis().saturating_sub(now.as_millis()) / 1000;
    let amount = p.amount();
    let body = format!(
        r#"<p class="amount">{value} {currency}</p>
<p class="text">{text}</p>
<p class="order">Reference <code>{reference}</code></p>
<p class="left">Time left: <span id="left">{m}:{s:02}</span></p>
<form method="post" action="/epayment/landing/decide">
<input type="hidden" name="token" value="{token}">
<button name="choice" value="approve" id="approve">Approve</button>
<button name="choice" value="reject" id="reject">Reject</button>
<button name="choice" value="fail" id="fail">Card refused</button>
<button name="choice" value="close" id="close">Close the app</button>
</form>"#,
        value = amount.value,
        currency = amount.currency,
        text = escape_html(p.request.payment_description.as_deref().unwrap_or("")),
        reference = escape_html(p.reference()),
        m = left / 60,
        s = left % 60,
        token = escape_html(&q.token),
    );
    page_response(
        StatusCode::OK,
        "Pay with Vipps MobilePay (simulated ePayment)",
        &body,
    )
}

/// The landing page form.
#[derive(Debug, Deserialize)]
pub(crate) struct DecideForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    choice: String,
}

/// `POST /epayment/landing/decide`.
pub(crate) async fn decide_form(
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
                "<p>You closed the app without deciding. The payment expires after five minutes.</p>",
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
    let reference = shared.lock().epayment.landing.get(&form.token).cloned();
    let Some(reference) = reference else {
        return page_response(
            StatusCode::NOT_FOUND,
            "Unknown payment",
            "<p>This payment link is not known.</p>",
        );
    };
    match decide(&shared, &reference, choice).await {
        Ok(Back::Redirect(url)) => {
            (StatusCode::SEE_OTHER, [(header::LOCATION, url)]).into_response()
        }
        Ok(Back::Stays) => page_response(
            StatusCode::OK,
            "Done",
            "<p>Done. You can close the app.</p>",
        ),
        Ok(Back::AppClosed) => page_response(
            StatusCode::OK,
            "App closed",
            "<p>You closed the app while the payment was processed. You are not sent back.</p>",
        ),
        Ok(Back::TryAgain) => page_response(
            StatusCode::OK,
            "Card refused",
            "<p>The card was refused. Go back and try another card.</p>",
        ),
        Err(Refusal::Expired) => {
            page_response(StatusCode::GONE, "Expired", "<p>The payment expired.</p>")
        }
        Err(Refusal::AlreadyDecided) => page_response(
            StatusCode::CONFLICT,
            "Already decided",
            "<p>This payment is already decided.</p>",
        ),
        Err(Refusal::Unknown) => page_response(
            StatusCode::NOT_FOUND,
            "Unknown payment",
            "<p>This payment link is not known.</p>",
        ),
    }
}
