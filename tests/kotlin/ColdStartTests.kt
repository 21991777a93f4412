// Process death: the first tracker is abandoned mid-payment (its coroutine
// cancelled, its object closed), and a new tracker object made from the same
// file store finishes the payment.
package io.appswitch.tests

import io.appswitch.*
import io.appswitch.core.*
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch

/** Starts tracking `s` with `store`, waits for one poll, then "kills the process". */
private suspend fun startAndKill(s: Setup, store: KeyValueStore) {
    val first = tracker(s, store)
    first.onSwitchedOut()
    coroutineScope {
        val job = launch { first.awaitSettled() }
        waitUntil("the first poll") { Backend.requests(s.order) >= 1 }
        job.cancelAndJoin()
    }
    first.close()
}

fun coldStartTests() {
    test("cold start with the return URL resumes that attempt and checks at once") {
        val dir = tempDir("cold-url")
        val s = Setup(orderId("cold-url"))
        Backend.script(s.order, doc(s.order, "initiated", false))
        startAndKill(s, FileStore(dir))
        val before = Backend.requests(s.order)
        Backend.script(s.order, doc(s.order, "reserved", true, reserved = 12300))
        // A new process: new objects, the same files.
        val resumed = resumePending(JdkTransport(), FileStore(dir), CoroutineScheduler, null, s.returnUrl)
        check(resumed != null) { "nothing resumed" }
        resumed!!.use { t ->
            expectEq(t.orderId(), s.order, "order")
            val outcome = t.awaitSettled() as Outcome.Success
            expectEq(outcome.status.reserved, 12300L, "reserved")
            expectEq(Backend.requests(s.order), 1, "requests after the restart (the script was reset): one, at once")
        }
        check(before >= 1) { "the first tracker polled" }
        // Settled: a later cold start has nothing to resume, and the app forgets it once shown.
        expectEq(resumePending(JdkTransport(), FileStore(dir), CoroutineScheduler), null, "nothing unsettled")
        expectEq(forgetPending(FileStore(dir), s.order), true, "forgotten")
        expectEq(forgetPending(FileStore(dir), s.order), false, "already forgotten")
    }

    test("cold start without a URL resumes the newest unsettled attempt") {
        val dir = tempDir("cold-plain")
        val older = Setup(orderId("cold-old"))
        val newer = Setup(orderId("cold-new"))
        Backend.script(older.order, doc(older.order, "initiated", false))
        Backend.script(newer.order, doc(newer.order, "initiated", false))
        startAndKill(older, FileStore(dir))
        startAndKill(newer, FileStore(dir))
        Backend.script(newer.order, doc(newer.order, "cancelled", true, cancelledBy = "user"))
        val recorder = Recorder()
        val resumed = resumePending(JdkTransport(), FileStore(dir), CoroutineScheduler, recorder)
        check(resumed != null) { "nothing resumed" }
        resumed!!.use { t ->
            expectEq(t.orderId(), newer.order, "the newest attempt")
            expectEq(t.awaitSettled(), Outcome.Cancelled(CancelledBy.USER), "outcome")
            check(recorder.seen.isNotEmpty()) { "the listener of the new object is told" }
        }
        // The older one is still pending.
        val next = resumePending(JdkTransport(), FileStore(dir), CoroutineScheduler)
        expectEq(next?.orderId(), older.order, "then the older one")
        next?.stop()
        next?.close()
    }

    test("cold start with a stale return URL is refused; nothing pending is null") {
        val dir = tempDir("cold-stale")
        expectEq(resumePending(JdkTransport(), FileStore(dir), CoroutineScheduler, null, "merchantapp://result?orderId=x&attempt=y"), null, "empty store")
        val s = Setup(orderId("cold-stale"))
        Backend.script(s.order, doc(s.order, "initiated", false))
        startAndKill(s, FileStore(dir))
        val stale = s.returnUrl.replace(Regex("attempt=[0-9a-f]+"), "attempt=" + "1".repeat(32))
        val e = expectThrows<TrackerException.ReturnRefused>("stale nonce") {
            resumePending(JdkTransport(), FileStore(dir), CoroutineScheduler, null, stale)
        }
        check(e.detail.contains("returnUrl") && e.detail.contains(s.order)) { e.detail }
        FileStore(dir).put("appswitch.pending", "{not json")
        expectThrows<TrackerException.StoreUnreadable>("a damaged store") { resumePending(JdkTransport(), FileStore(dir), CoroutineScheduler) }
    }
}
