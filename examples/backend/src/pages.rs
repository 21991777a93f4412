//! The shop's pages when no static directory is given: a minimal checkout
//! and return page, enough to click through the flow by hand. The real
//! page (built on the npm package) replaces them through
//! [`BackendConfig::static_dir`](crate::BackendConfig::static_dir):
//! `index.html` at `/`, `return.html` (or `index.html`) at `/return`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::app::App;

const INDEX: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>appswitch demo shop</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 28rem; margin: 2rem auto">
<h1>appswitch demo shop</h1>
<p>One pair of socks: 200,00 kr</p>
<button id="pay">Pay with Vipps</button>
<p id="out"></p>
<script>
document.getElementById('pay').onclick = async () => {
  const basketId = localStorage.getItem('basketId') || ('basket-' + Math.random().toString(36).slice(2, 10));
  localStorage.setItem('basketId', basketId);
  const r = await fetch('/api/checkout', {method: 'POST', headers: {'content-type': 'application/json'},
    body: JSON.stringify({basketId, amount: 20000})});
  const body = await r.json();
  if (!r.ok) { document.getElementById('out').textContent = body.error; return; }
  localStorage.setItem('pending', JSON.stringify(body));
  location.href = body.url;
};
</script></body></html>"#;

const RETURN: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>appswitch demo shop: payment</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 28rem; margin: 2rem auto">
<h1>Your payment</h1>
<p>Status: <strong id="status">checking…</strong></p>
<button id="ship" hidden>Ship the goods (capture)</button>
<p id="out"></p>
<script>
const orderId = new URLSearchParams(location.search).get('orderId');
const show = (t) => document.getElementById('status').textContent = t;
async function track() {
  for (;;) {
    const r = await fetch('/api/payments/' + encodeURIComponent(orderId) + '/status?wait=25');
    if (r.status === 429) { await new Promise(ok => setTimeout(ok, 1000 * (+r.headers.get('Retry-After') || 1))); continue; }
    const doc = await r.json();
    show(doc.status);
    if (doc.final) { document.getElementById('ship').hidden = doc.status !== 'reserved'; return; }
  }
}
document.getElementById('ship').onclick = async () => {
  const r = await fetch('/api/orders/' + encodeURIComponent(orderId) + '/ship', {method: 'POST'});
  const body = await r.json();
  if (r.ok) { show(body.status.status); document.getElementById('ship').hidden = true; }
  else document.getElementById('out').textContent = body.error;
};
if (orderId) track(); else show('no order');
</script></body></html>"#;

async fn from_dir(app: &App, names: &[&str], builtin: &'static str) -> Response {
    if let Some(dir) = &app.config.static_dir {
        for name in names {
            if let Ok(html) = tokio::fs::read_to_string(dir.join(name)).await {
                return Html(html).into_response();
            }
        }
        return (
            StatusCode::NOT_FOUND,
            format!("no {} in the static directory", names.join(" or ")),
        )
            .into_response();
    }
    Html(builtin).into_response()
}

/// `GET /`: the shop.
pub(crate) async fn index(State(app): State<Arc<App>>) -> Response {
    from_dir(&app, &["index.html"], INDEX).await
}

/// `GET /return`: the fallback page the provider sends the shopper to.
pub(crate) async fn return_page(State(app): State<Arc<App>>) -> Response {
    from_dir(&app, &["return.html", "index.html"], RETURN).await
}
