// The tracker against a real HTTP server on 127.0.0.1: outcomes, request
// counts read back from the backend, and what the listener and store saw.
package io.appswitch.tests

import io.appswitch.*
import io.appswitch.core.*
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch

/** A tracker for `s` on the JDK transport and the coroutine scheduler. */
fun tracker(
    s: Setup,
    store: KeyValueStore = MemoryStore(),
    listener: StatusListener? = null,
    policy: TrackingPolicy = fastPolicy(),
    transport: HttpTransport = JdkTransport(),
    scheduler: TrackerScheduler = CoroutineScheduler,
) = PaymentTracker(s.attempt, transport, store, scheduler, listener, policy)

fun trackerTests() {
    test("success: polls on schedule until reserved") {
        val s = Setup(orderId("ok"))
        Backend.script(s.order, doc(s.order, "initiated", false), doc(s.order, "initiated", false), doc(s.order, "reserved", true, reserved = 20000))
        val recorder = Recorder()
        val store = MemoryStore()
        tracker(s, store, recorder).use { t ->
            expectEq(t.orderId(), s.order, "order")
            expectEq(t.progress()?.phase, Phase.AWAITING_SWITCH, "phase before the switch")
            check(store.values["appswitch.pending"]!!.contains(s.order)) { "saved before the shopper leaves" }
            t.onSwitchedOut()
            val outcome = t.awaitSettled()
            check(outcome is Outcome.Success) { "outcome $outcome" }
            expectEq((outcome as Outcome.Success).status.reserved, 20000L, "reserved øre")
            expectEq(outcome.status.state(), PaymentState.Reserved, "state")
            expectEq(Backend.requests(s.order), 3, "requests")
            expectEq(recorder.seen.last().phase, Phase.SETTLED, "last phase")
            check(Phase.POLLING in recorder.phases()) { "phases ${recorder.phases()}" }
            expectEq(t.progress()?.phase, Phase.SETTLED, "progress()")
        }
        // The outcome was saved: the app restarted on the return URL gets it
        // without asking the backend again.
        resumePending(JdkTransport(), store, CoroutineScheduler, null, s.returnUrl)!!.use { again ->
            check(again.awaitSettled() is Outcome.Success) { "the saved outcome: ${store.values}" }
        }
        expectEq(Backend.requests(s.order), 3, "requests after the restart")
    }

    test("cancel: the shopper cancelled in the app") {
        val s = Setup(orderId("cancel"))
        Backend.script(s.order, doc(s.order, "initiated", false), doc(s.order, "cancelled", true, cancelledBy = "user"))
        tracker(s).use { t ->
            t.onSwitchedOut()
            expectEq(t.awaitSettled(), Outcome.Cancelled(CancelledBy.USER), "outcome")
            expectEq(Backend.requests(s.order), 2, "requests")
        }
    }

    test("reject: the shopper did not act in time") {
        val s = Setup(orderId("reject"))
        Backend.script(s.order, doc(s.order, "rejected", true))
        tracker(s).use { t ->
            t.onSwitchedOut()
            expectEq(t.awaitSettled(), Outcome.Rejected, "outcome")
            expectEq(Backend.requests(s.order), 1, "requests")
        }
    }

    test("429 with Retry-After and 503: backs off, then settles") {
        val s = Setup(orderId("backoff"))
        Backend.script(s.order, httpError(429, retryAfter = "1"), httpError(503), doc(s.order, "reserved", true, reserved = 100))
        val recorder = Recorder()
        tracker(s, listener = recorder).use { t ->
            t.onSwitchedOut()
            check(t.awaitSettled() is Outcome.Success) { "outcome" }
            expectEq(Backend.requests(s.order), 3, "requests: one per scripted answer")
            check(Phase.BACKING_OFF in recorder.phases()) { "phases ${recorder.phases()}" }
        }
    }

    test("a return URL before the first poll checks at once") {
        val s = Setup(orderId("early"))
        Backend.script(s.order, doc(s.order, "reserved", true, reserved = 5000))
        // The first scheduled poll would be a minute away: only the return can explain a request.
        tracker(s, policy = fastPolicy().copy(firstPollAfterMs = 60_000)).use { t ->
            t.onSwitchedOut()
            val back = t.handleReturn(s.returnUrl)
            expectEq(back.via, ReturnVia.APP_LINK, "via")
            check(t.awaitSettled() is Outcome.Success) { "outcome" }
            expectEq(Backend.requests(s.order), 1, "requests")
        }
    }

    test("a forged return is refused and changes nothing") {
        val s = Setup(orderId("forged"))
        Backend.script(s.order, doc(s.order, "reserved", true))
        tracker(s, policy = fastPolicy().copy(firstPollAfterMs = 60_000)).use { t ->
            t.onSwitchedOut()
            val forged = s.returnUrl.replace(Regex("attempt=[0-9a-f]+"), "attempt=" + "f".repeat(32))
            expectThrows<ReturnException.NonceMismatch>("forged") { t.handleReturn(forged) }
            t.stop()
            expectEq(t.awaitSettled(), Outcome.Unknown(UnknownReason.STOPPED), "outcome")
            expectEq(Backend.requests(s.order), 0, "requests")
        }
    }

    test("onForeground after the switch checks at once; INTENT returns by resuming") {
        val order = orderId("intent")
        val fallback = buildFallback(FallbackSpec(Platform.ANDROID, FallbackTarget.AndroidIntent, order, listOf()))
        val deeplink = classifyDeeplink("vippsMT://?token=t", System.currentTimeMillis())
        val attempt = PaymentAttempt(order, Backend.statusUrl(order), deeplink.deadlines.receivedAt, deeplink, fallback.expectation)
        Backend.script(order, doc(order, "reserved", true))
        PaymentTracker(attempt, JdkTransport(), MemoryStore(), CoroutineScheduler, null, fastPolicy().copy(firstPollAfterMs = 60_000)).use { t ->
            t.onSwitchedOut()
            t.onBackground()
            expectThrows<ReturnException.IntentHasNoUrl>("a URL for INTENT") { t.handleReturn("merchantapp://x?orderId=$order") }
            expectEq(t.handleAppResumed().via, ReturnVia.APP_RESUMED, "via")
            t.onForeground()
            check(t.awaitSettled() is Outcome.Success) { "outcome" }
            expectEq(Backend.requests(order), 1, "one request for the return and the foreground together")
        }
    }

    test("awaitSettled from two callers, and again after it returned: one run, one outcome") {
        val s = Setup(orderId("twice"))
        Backend.script(s.order, doc(s.order, "initiated", false), doc(s.order, "reserved", true, reserved = 7))
        tracker(s).use { t ->
            t.onSwitchedOut()
            expectEq(t.outcome(), null, "no outcome before settling")
            val (a, b) = coroutineScope {
                val a = async { t.awaitSettled() }
                val b = async { t.awaitSettled() }
                a.await() to b.await()
            }
            expectEq(a, b, "both callers")
            expectEq(t.awaitSettled(), a, "again after it returned")
            expectEq(t.outcome(), a, "outcome()")
            expectEq(Backend.requests(s.order), 2, "requests: the loop ran once")
        }
    }

    test("a cancelled caller pauses tracking; the next awaitSettled carries on") {
        val s = Setup(orderId("resume"))
        Backend.script(s.order, doc(s.order, "initiated", false))
        tracker(s).use { t ->
            t.onSwitchedOut()
            coroutineScope {
                val job = launch { t.awaitSettled() }
                waitUntil("the first poll") { Backend.requests(s.order) >= 1 }
                job.cancelAndJoin()
            }
            Backend.script(s.order, doc(s.order, "reserved", true))
            check(t.awaitSettled() is Outcome.Success) { "outcome" }
        }
    }

    test("stop() settles on what is known") {
        val s = Setup(orderId("stop"))
        Backend.script(s.order, doc(s.order, "initiated", false))
        tracker(s).use { t ->
            t.onSwitchedOut()
            coroutineScope {
                val outcome = async { t.awaitSettled() }
                waitUntil("two polls") { Backend.requests(s.order) >= 2 }
                t.stop()
                expectEq(outcome.await(), Outcome.Unknown(UnknownReason.STOPPED), "outcome")
            }
        }
    }

    test("the deadline passes: one final check, then Unknown") {
        val s = Setup(orderId("deadline"))
        Backend.script(s.order, doc(s.order, "initiated", false))
        val recorder = Recorder()
        tracker(s, listener = recorder, policy = fastPolicy().copy(paymentWindowMs = 400, graceMs = 100, deeplinkValidityMs = 300)).use { t ->
            t.onSwitchedOut()
            expectEq(t.awaitSettled(), Outcome.Unknown(UnknownReason.DEADLINE_PASSED), "outcome")
            check(Phase.FINAL_CHECK in recorder.phases()) { "phases ${recorder.phases()}" }
        }
    }

    test("long poll: a probe, then the whole wait once the backend held one") {
        val s = Setup(orderId("long"))
        // The probe (?wait=1) is held 1.1 s, as a backend that holds does.
        val held = doc(s.order, "initiated", false).replaceFirst("{\"status\":200", "{\"status\":200,\"delayMs\":1100")
        Backend.script(s.order, held, doc(s.order, "reserved", true))
        tracker(s, policy = fastPolicy().copy(longPollMs = 2000)).use { t ->
            t.onSwitchedOut()
            check(t.awaitSettled() is Outcome.Success) { "outcome" }
            expectEq(Backend.waits(s.order), listOf("1", "2"), "wait parameters")
        }
    }

    test("long poll: a backend that answers at once gets plain polls after two probes") {
        val s = Setup(orderId("plain"))
        Backend.script(s.order, doc(s.order, "initiated", false), doc(s.order, "initiated", false), doc(s.order, "reserved", true))
        tracker(s, policy = fastPolicy().copy(longPollMs = 2000)).use { t ->
            t.onSwitchedOut()
            check(t.awaitSettled() is Outcome.Success) { "outcome" }
            expectEq(Backend.waits(s.order), listOf("1", "1", null), "wait parameters")
        }
    }
}
