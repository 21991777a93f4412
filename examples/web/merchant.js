// The merchant's page: an order's view, and ship (capture), cancel and
// refund — each a request with `Authorization: Bearer <merchant key>`. The
// key is kept in this tab's sessionStorage only.
import { describeState, kr } from "/ui.js";

const $ = (id) => document.getElementById(id);
const KEY = "sockshop.merchantKey";

$("key").value = sessionStorage.getItem(KEY) ?? "";
$("order").value = new URLSearchParams(location.search).get("orderId") ?? "";

async function call(method, path, body) {
  const key = $("key").value.trim();
  sessionStorage.setItem(KEY, key);
  const headers = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json().catch(() => ({}));
  return { ok: res.ok, status: res.status, json };
}

const orderPath = () => `/api/orders/${encodeURIComponent($("order").value.trim())}`;

function show(info) {
  const doc = info.status;
  $("view").hidden = false;
  $("status").textContent = `${describeState(doc.status)}${info.shipped ? " — shipped" : ""}`;
  $("status").dataset.status = doc.status;
  const a = doc.amounts;
  $("amounts").textContent = `${kr(info.amount)} ordered · ${kr(a.reserved)} reserved · ${kr(a.captured)} captured · ${kr(a.refunded)} refunded`;
  $("ship").disabled = doc.status !== "reserved" && !(doc.status === "captured" && a.captured < a.reserved);
  $("cancel").disabled = doc.status !== "reserved" && doc.status !== "initiated";
  $("refund").disabled = a.captured <= a.refunded;
  $("events").replaceChildren(...info.events.map((e) => {
    const li = document.createElement("li");
    li.textContent = `${new Date(e.at).toLocaleTimeString()} ${e.source}${e.accepted ? "" : " (refused)"}: ${e.detail}`;
    return li;
  }));
}

async function load() {
  $("message").textContent = "";
  const { ok, status, json } = await call("GET", orderPath());
  if (ok) show(json);
  else $("message").textContent = status === 401 ? "That is not the merchant key." : json.error ?? `HTTP ${status}`;
  return ok;
}

async function act(action, body) {
  for (const b of ["ship", "cancel", "refund"]) $(b).disabled = true;
  const { ok, json } = await call("POST", `${orderPath()}/${action}`, body);
  $("result").textContent = ok
    ? `${action}: ${describeState(json.status.status).toLowerCase()} (${json.status.status}), ${kr(json.amount)}${json.fromHistory ? ", confirmed from the provider's history" : ""}.`
    : `${action} refused: ${json.error}`;
  $("result").dataset.outcome = ok ? json.status.status : "error";
  await load();
}

$("who").addEventListener("submit", (e) => {
  e.preventDefault();
  load();
});
$("ship").addEventListener("click", () => act("ship", { text: "Socks on the way" }));
$("cancel").addEventListener("click", () => act("cancel", {}));
$("refund").addEventListener("click", () => {
  const amount = Number($("refund-amount").value);
  act("refund", { amount });
});
if ($("key").value && $("order").value) load();
