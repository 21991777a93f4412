"""A cheap smoke test of the generated Python bindings: the library loads,
pure functions answer, and a refusal is a typed exception. Run by
`cargo xtask test kotlin` with the folder of the generated `appswitch`
package (the binding's module and the core's types) as argument."""

import sys

sys.path.insert(0, sys.argv[1])

from appswitch import appswitch_core as c  # noqa: E402
from appswitch import appswitch_mobile as a  # noqa: E402

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"  ok   {name}")
    else:
        failed += 1
        print(f"  FAIL {name} {detail}")


check("the library loads and answers", a.core_version() != "")
link = a.classify_deeplink("vipps://?token=abc", 1_700_000_000_000)
check("classify_deeplink", link.kind == c.LinkKind.APP, repr(link))
check("the deeplink lives five minutes", link.deadlines.link_valid_until - link.deadlines.received_at == 300_000)
policy = a.vipps_policy()
check("vipps_policy", policy.poll_interval_ms == 2000 and policy.rate_cap == 120, repr(policy))
try:
    a.check_url(c.UrlKind.WEB, "https://localhost/return")
    check("check_url refuses localhost", False, "nothing raised")
except a.UrlError.InvalidUrl as e:
    check("check_url refuses localhost", e.rule == "localhost" and "127.0.0.1" in e.detail, repr(e))
try:
    a.classify_deeplink("vipps://?token=a", -1)
    check("a negative time is refused", False, "nothing raised")
except a.DeeplinkError.InvalidArgument as e:
    check("a negative time is refused", e.field == "receivedAtMs", repr(e))

text = a.outcome_text(c.Outcome.FAILED("RESERVE_FAILED"), "nb-NO", "Vipps")
check(
    "outcome_text: Norwegian words, the code kept apart",
    text.next_step == c.NextStep.TRY_AGAIN and "RESERVE_FAILED" not in text.detail
    and text.code == "failed:RESERVE_FAILED",
    repr(text),
)

print(f"python: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
