// An app cold-started by the return URL with nothing stored (its data cleared,
// a reinstall): resumePending asks the backend's return check with the URL's
// orderId and attempt token, and tracks the payment it vouches for; a forged,
// stale or unknown token is refused with a typed error and changes nothing.
package io.appswitch.tests

import io.appswitch.*
import io.appswitch.core.*

private fun forge(url: String, nonce: String) = url.replace(Regex("attempt=[0-9a-f]+"), "attempt=$nonce")

fun returnCheckTests() {
    test("a cold start by the return URL with an empty store resumes from the URL and tracks to the outcome") {
        val order = orderId("from-url")
        val returnUrl = Backend.fallback(order) + "&status=RESERVE"
        Backend.script(order, doc(order, "initiated", false), doc(order, "reserved", true, reserved = 15000))
        val dir = tempDir("from-url")
        val recorder = Recorder()
        val t = resumePending(JdkTransport(), FileStore(dir), CoroutineScheduler, recorder, returnUrl, Backend.returnCheckUrl, fastPolicy())
        check(t != null) { "nothing resumed" }
        t!!.use {
            expectEq(it.orderId(), order, "order")
            val outcome = it.awaitSettled() as Outcome.Success
            expectEq(outcome.status.reserved, 15000L, "reserved")
            check(recorder.seen.isNotEmpty()) { "the listener was told" }
        }
        expectEq(Backend.checks(order), 1, "one return check")
        expectEq(Backend.requests(order), 2, "status requests: one at once, one on schedule")
        // Now it is stored: the next cold start by the same URL finds it here
        // (settled: its outcome, without asking anybody again).
        resumePending(JdkTransport(), FileStore(dir), CoroutineScheduler, null, returnUrl, Backend.returnCheckUrl)!!.use {
            check(it.awaitSettled() is Outcome.Success) { "the stored outcome" }
        }
        expectEq(Backend.checks(order), 1, "no second return check")
        expectEq(Backend.requests(order), 2, "no second status request")
    }

    test("a forged, stale or unknown return token with an empty store is refused; nothing is stored or asked") {
        val order = orderId("forged-url")
        val stale = Backend.fallback(order)
        val current = Backend.fallback(order) // the backend issued a new token: the first is stale
        Backend.script(order, doc(order, "reserved", true))
        val store = MemoryStore()
        suspend fun resume(url: String) = resumePending(JdkTransport(), store, CoroutineScheduler, null, url, Backend.returnCheckUrl)
        for ((what, url) in listOf(
            "forged" to forge(current, "0".repeat(32)),
            "stale" to stale,
            "unknown order" to current.replace("orderId=$order", "orderId=$order-x"),
        )) {
            val e = expectThrows<TrackerException.ReturnRefused>(what) { resume(url) }
            check(e.detail.contains("refused the return") && e.detail.contains("403")) { "$what: ${e.detail}" }
        }
        expectEq(Backend.checks(order), 2, "the backend was asked for the forged and the stale one")
        // Not a return appswitch built: refused before asking anybody.
        for (url in listOf("merchantapp://result?orderId=$order", "merchantapp://result?orderId=$order&attempt=NOTHEX", "not a url")) {
            expectThrows<TrackerException.ReturnRefused>(url) { resume(url) }
        }
        expectEq(Backend.checks(order), 2, "no return check for what is no return")
        expectEq(store.values.size, 0, "nothing stored")
        expectEq(Backend.requests(order), 0, "no status request")
        // The real return still resumes afterwards.
        resume(current)!!.use { check(it.awaitSettled() is Outcome.Success) { "outcome" } }
    }

    test("a return check that cannot be made is a typed error; nothing changes") {
        val order = orderId("check-down")
        val returnUrl = Backend.fallback(order)
        val store = MemoryStore()
        val down = expectThrows<TrackerException.ReturnCheckFailed>("backend down") {
            resumePending(JdkTransport(), store, CoroutineScheduler, null, returnUrl, "http://127.0.0.1:9/return/{orderId}")
        }
        check(down.detail.contains("no answer")) { down.detail }
        val bad = expectThrows<TrackerException.InvalidArgument>("not a URL") {
            resumePending(JdkTransport(), store, CoroutineScheduler, null, returnUrl, "shop/{orderId}")
        }
        expectEq(bad.field, "returnCheckUrl", "field")
        expectEq(store.values.size, 0, "nothing stored")
        // Without a return check URL, an empty store has nothing to resume.
        expectEq(resumePending(JdkTransport(), store, CoroutineScheduler, null, returnUrl), null, "nothing to resume")
    }

    test("a store holding other payments: the return of one not stored here is asked of the backend") {
        val dir = tempDir("others")
        val other = Setup(orderId("other"))
        Backend.script(other.order, doc(other.order, "initiated", false))
        tracker(other, FileStore(dir)).use { it.stop() }
        val order = orderId("elsewhere")
        val returnUrl = Backend.fallback(order)
        Backend.script(order, doc(order, "cancelled", true, cancelledBy = "user"))
        val t = resumePending(JdkTransport(), FileStore(dir), CoroutineScheduler, null, returnUrl, Backend.returnCheckUrl, fastPolicy())!!
        t.use { expectEq(it.awaitSettled(), Outcome.Cancelled(CancelledBy.USER), "outcome") }
        expectEq(Backend.checks(order), 1, "asked once")
        // Both are in the store now.
        val stored = FileStore(dir).get("appswitch.pending")!!
        check(stored.contains(order) && stored.contains(other.order)) { stored }
    }
}
