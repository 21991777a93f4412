// Pure functions and bad arguments: every refusal is a typed exception whose
// message names the field and the rule.
package io.appswitch.tests

import io.appswitch.*
import io.appswitch.core.*

fun argumentTests() {
    test("checkUrl: warnings and the rule a URL breaks") {
        val warnings = checkUrl(UrlKind.CALLBACK, "https://shop.example.no:8443/cb")
        expectEq(warnings.map { it.rule }, listOf("uncommon-callback-port"), "callback warnings")
        val e = expectThrows<UrlException.InvalidUrl>("https://localhost") { checkUrl(UrlKind.WEB, "https://localhost/return") }
        expectEq(e.rule, "localhost", "rule")
        expectEq(e.field, "url", "field")
        check(e.detail.contains("use http://127.0.0.1")) { e.detail }
        check(e.message!!.contains("localhost")) { "message: ${e.message}" }
    }

    test("buildFallback: app scheme, INTENT, and the typed refusals") {
        val app = buildFallback(FallbackSpec(Platform.IOS, FallbackTarget.App("merchantapp://result"), "shop-1", listOf(QueryParam("basket", "42"))))
        check(app.url.startsWith("merchantapp://result?basket=42&orderId=shop-1&attempt=")) { app.url }
        check(app.isApp) { "isApp" }
        expectEq(app.expectation.orderId(), "shop-1", "expectation order")
        check(Regex("[0-9a-f]{32}").matches(app.expectation.nonce())) { app.expectation.nonce() }
        val other = buildFallback(FallbackSpec(Platform.IOS, FallbackTarget.App("merchantapp://result"), "shop-1", listOf()))
        check(other.expectation.nonce() != app.expectation.nonce()) { "a fresh nonce per attempt" }
        val intent = buildFallback(FallbackSpec(Platform.ANDROID, FallbackTarget.AndroidIntent, "shop-2", listOf()))
        expectEq(intent.url, "INTENT", "INTENT fallback")
        expectThrows<UrlException.IntentOnlyOnAndroid>("INTENT on iOS") {
            buildFallback(FallbackSpec(Platform.IOS, FallbackTarget.AndroidIntent, "shop-3", listOf()))
        }
        expectThrows<UrlException.ReservedParam>("reserved parameter") {
            buildFallback(FallbackSpec(Platform.ANDROID, FallbackTarget.App("merchantapp://r"), "shop-4", listOf(QueryParam("attempt", "x"))))
        }
        val web = expectThrows<UrlException.InvalidUrl>("single-label host") {
            buildFallback(FallbackSpec(Platform.MOBILE_WEB, FallbackTarget.Web("https://myshop/return"), "shop-5", listOf()))
        }
        expectEq(web.field, "spec.target.base", "field")
        expectEq(web.rule, "host-single-label", "rule")
    }

    test("the return check: the attempt's return passes, a forged one is refused") {
        val fb = buildFallback(FallbackSpec(Platform.ANDROID, FallbackTarget.App("merchantapp://result"), "shop-6", listOf(QueryParam("cart", "a b"))))
        val back = fb.expectation.checkReturn("${fb.url}&status=301")
        expectEq(back.orderId, "shop-6", "order")
        expectEq(back.via, ReturnVia.APP_LINK, "via")
        expectEq(back.params, listOf(QueryParam("cart", "a b")), "params without orderId, attempt, status")
        val forged = fb.url.replace(Regex("attempt=[0-9a-f]+"), "attempt=" + "0".repeat(32))
        expectThrows<ReturnException.NonceMismatch>("forged nonce") { fb.expectation.checkReturn(forged) }
        expectThrows<ReturnException.SchemeMismatch>("other scheme") { fb.expectation.checkReturn("otherapp://result") }
    }

    test("a return expectation from the backend's JSON (POST /api/checkout)") {
        // The shape the demo backend answers with in `returnExpectation`.
        val json = """{"orderId":"shop-7","nonce":"${"ab".repeat(16)}","target":{"kind":"app","scheme":"merchantapp","host":"result","path":"/"}}"""
        val fromBackend = ReturnExpectation.fromJson(json)
        expectEq(fromBackend.orderId(), "shop-7", "order")
        val back = fromBackend.checkReturn("merchantapp://result?orderId=shop-7&attempt=${"ab".repeat(16)}&status=RESERVE")
        expectEq(back.orderId, "shop-7", "the backend's attempt returns")
        val fb = buildFallback(FallbackSpec(Platform.ANDROID, FallbackTarget.App("merchantapp://result"), "shop-8", listOf()))
        val again = ReturnExpectation.fromJson(fb.expectation.toJson())
        expectEq(again.nonce(), fb.expectation.nonce(), "to and from JSON")
        val bad = expectThrows<TrackerException.InvalidArgument>("not an expectation") { ReturnExpectation.fromJson("""{"orderId":1}""") }
        expectEq(bad.field, "returnExpectation", "field")
    }

    test("classifyDeeplink and openPlan per platform") {
        val now = System.currentTimeMillis()
        val app = classifyDeeplink("vipps://?token=abc", now)
        expectEq(app.kind, LinkKind.APP, "kind")
        expectEq(app.environment, DeeplinkEnvironment.PRODUCTION, "environment")
        expectEq(app.deadlines.linkValidUntil - app.deadlines.receivedAt, 300_000L, "valid five minutes")
        val android = openPlan(app, Platform.ANDROID, now) as OpenPlan.AndroidViewIntent
        expectEq(android.url, "vipps://?token=abc", "android url")
        check(android.playStoreUrl != null && android.`package` != null) { "production store page: $android" }
        val ios = openPlan(app, Platform.IOS, now) as OpenPlan.IosOpenApp
        expectEq(ios.queryScheme, "vipps", "LSApplicationQueriesSchemes")
        check(ios.appStoreUrl != null) { "app store url" }
        val late = openPlan(app, Platform.IOS, now + 301_000)
        expectEq(late, OpenPlan.StartNewAttempt(app.deadlines.linkValidUntil), "expired link")
        val landing = classifyDeeplink("https://apitest.vipps.no/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=x", now)
        val plan = openPlan(landing, Platform.ANDROID) as OpenPlan.OpenLandingPage
        check(plan.externalBrowser) { "a native app opens the landing page in the browser" }
        expectThrows<DeeplinkException.AppLinkOnWeb>("app link on the web") { openPlan(app, Platform.MOBILE_WEB, now) }
    }

    test("bad deeplink arguments give typed exceptions") {
        expectThrows<DeeplinkException.Empty>("empty") { classifyDeeplink("", 0) }
        expectThrows<DeeplinkException.MissingToken>("no token") { classifyDeeplink("vipps://?x=1", 0) }
        expectThrows<DeeplinkException.UnsupportedScheme>("ftp") { classifyDeeplink("ftp://x.no/", 0) }
        val e = expectThrows<DeeplinkException.InvalidArgument>("negative time") { classifyDeeplink("vipps://?token=a", -1) }
        expectEq(e.field, "receivedAtMs", "field")
        check(e.detail.contains("must not be negative")) { e.detail }
        // A negative time inside a record handed back (the core's Timestamp) is
        // refused by uniffi's lift, naming the argument and the rule: no crash.
        val link = classifyDeeplink("vipps://?token=a", 0)
        val inRecord = expectThrows<io.appswitch.InternalException>("negative time in a record") {
            openPlan(link.copy(deadlines = link.deadlines.copy(receivedAt = -1)), Platform.IOS)
        }
        check(inRecord.message!!.contains("deeplink") && inRecord.message!!.contains("must not be negative (got -1)")) { inRecord.message!! }
    }

    test("outcomeText: words for every outcome in the shopper's language, the code only for the developer") {
        val outcomes = listOf(
            Outcome.Success(PaymentStatus(20000L, null, null, null, false, listOf(), listOf(), null, null)),
            Outcome.Cancelled(CancelledBy.USER),
            Outcome.Cancelled(CancelledBy.MERCHANT),
            Outcome.Rejected,
            Outcome.Failed("RESERVE_FAILED"),
            Outcome.Failed("Refused by issuer because of expired card"),
            Outcome.Unknown(UnknownReason.DEADLINE_PASSED),
            Outcome.Unknown(UnknownReason.BACKEND_UNREACHABLE),
            Outcome.Unknown(UnknownReason.STOPPED),
        )
        for (outcome in outcomes) {
            val en = outcomeText(outcome, "en-GB", "Vipps")
            val nb = outcomeText(outcome, "nb-NO", "Vipps")
            check(en.title.isNotBlank() && en.detail.isNotBlank() && en.title != nb.title) { "$outcome: $en / $nb" }
            for (code in listOf("RESERVE_FAILED", "Refused by issuer because of expired card", "deadlinePassed", "backendUnreachable", "DEADLINE_PASSED")) {
                check(code !in en.title + en.detail && code !in nb.title + nb.detail) { "$outcome shows `$code`: $en" }
            }
            check(en.code.isNotEmpty()) { "$outcome: no code for the developer" }
            val expected = when (outcome) {
                is Outcome.Success -> NextStep.DONE
                is Outcome.Unknown -> NextStep.CHECK_PAYMENT_APP
                else -> NextStep.TRY_AGAIN
            }
            expectEq(en.nextStep, expected, "$outcome: next step")
            expectEq(en.action.isNotEmpty(), expected == NextStep.TRY_AGAIN, "$outcome: a Try again label only for TryAgain")
        }
        expectEq(outcomeText(Outcome.Failed("RESERVE_FAILED"), "xx", "Vipps"), outcomeText(Outcome.Failed("RESERVE_FAILED"), "en", "Vipps"), "English for any other language")
        check(reopenLabel("da-DK", "MobilePay").contains("MobilePay")) { "reopen label" }
        check(phaseText(Phase.AWAITING_SWITCH, "fi", "MobilePay").contains("MobilePay")) { "phase text" }
    }

    test("bad tracker arguments give typed exceptions") {
        val s = Setup(orderId("args"))
        val store = MemoryStore()
        fun track(attempt: PaymentAttempt = s.attempt, policy: TrackingPolicy = fastPolicy()) =
            PaymentTracker(attempt, JdkTransport(), store, CoroutineScheduler, null, policy)
        val negative = expectThrows<TrackerException.InvalidArgument>("negative interval") { track(policy = fastPolicy().copy(pollIntervalMs = -1)) }
        expectEq(negative.field, "policy.pollIntervalMs", "field")
        val zero = expectThrows<TrackerException.InvalidConfig>("zero interval") { track(policy = fastPolicy().copy(pollIntervalMs = 0)) }
        expectEq(zero.field, "pollInterval", "field")
        check(zero.detail.contains("longer than zero")) { zero.detail }
        expectThrows<TrackerException.InvalidConfig>("zero rate cap") { track(policy = fastPolicy().copy(rateCap = 0)) }
        expectThrows<TrackerException.InvalidArgument>("negative count") { track(policy = fastPolicy().copy(maxBadAnswers = -2)) }
        val time = expectThrows<TrackerException.InvalidArgument>("negative time") { track(attempt = s.attempt.copy(initiatedAtMs = -5)) }
        expectEq(time.field, "attempt.initiatedAtMs", "field")
        val empty = expectThrows<TrackerException.InvalidConfig>("empty order") {
            track(attempt = s.attempt.copy(orderId = "", expectation = s.fallback.expectation))
        }
        expectEq(empty.field, "orderId", "field")
        expectThrows<TrackerException.OrderMismatch>("another order's expectation") { track(attempt = s.attempt.copy(orderId = "another-order")) }
        expectThrows<TrackerException.InvalidArgument>("a bad deeplink") {
            track(attempt = s.attempt.copy(deeplink = s.deeplink.copy(url = "javascript:alert(1)")))
        }
        expectEq(store.values.size, 0, "nothing stored by refused trackers")
    }
}
