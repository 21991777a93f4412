// Host callbacks that throw: a transport exception is a transport failure
// (backoff), a store exception a typed error, a listener exception is
// dropped, a scheduler exception ends awaitSettled with a typed error —
// and none of them crashes the process.
package io.appswitch.tests

import io.appswitch.*
import io.appswitch.core.*
import java.util.concurrent.atomic.AtomicInteger

/** Throws for the first `failures` calls, then asks `inner`. */
class FlakyTransport(private val failures: List<() -> Exception>, private val inner: HttpTransport) : HttpTransport {
    val thrown = AtomicInteger()
    override suspend fun get(request: HttpRequest): HttpResponse {
        val i = thrown.getAndIncrement()
        if (i < failures.size) throw failures[i]()
        return inner.get(request)
    }
}

class ThrowingStore(private val onPut: Boolean) : KeyValueStore {
    override fun get(key: String): String? = if (onPut) null else throw IllegalStateException("keychain locked")
    override fun put(key: String, value: String) {
        if (onPut) throw java.io.IOException("disk full")
    }
}

fun hostFailureTests() {
    test("a transport that throws is a transport failure: backoff, then success") {
        val s = Setup(orderId("throws"))
        Backend.script(s.order, doc(s.order, "reserved", true))
        val transport = FlakyTransport(
            listOf({ RuntimeException("boom") }, { TransportException.ReadTimeout() }, { TransportException.Offline() }),
            JdkTransport(),
        )
        val recorder = Recorder()
        tracker(s, listener = recorder, transport = transport).use { t ->
            t.onSwitchedOut()
            check(t.awaitSettled() is Outcome.Success) { "outcome" }
            expectEq(transport.thrown.get(), 4, "three throws, then the real request")
            expectEq(Backend.requests(s.order), 1, "requests that reached the backend")
            check(Phase.BACKING_OFF in recorder.phases()) { "phases ${recorder.phases()}" }
        }
    }

    test("a backend that is not there: transport failures until the deadline, then Unknown") {
        val s = Setup(orderId("down"))
        val down = s.attempt.copy(statusUrl = "http://127.0.0.1:9/status/${s.order}")
        PaymentTracker(down, JdkTransport(), MemoryStore(), CoroutineScheduler, null, fastPolicy().copy(paymentWindowMs = 300, graceMs = 50)).use { t ->
            t.onSwitchedOut()
            expectEq(t.awaitSettled(), Outcome.Unknown(UnknownReason.BACKEND_UNREACHABLE), "outcome")
        }
    }

    test("a store that throws is a typed error") {
        val s = Setup(orderId("store"))
        val put = expectThrows<TrackerException.StoreFailed>("put throws") { tracker(s, ThrowingStore(onPut = true)) }
        check(put.detail.contains("disk full") && put.detail.contains("appswitch.pending")) { put.detail }
        val get = expectThrows<TrackerException.StoreFailed>("get throws") { tracker(s, ThrowingStore(onPut = false)) }
        check(get.detail.contains("keychain locked")) { get.detail }
        expectThrows<TrackerException.StoreFailed>("resume, get throws") { resumePending(JdkTransport(), ThrowingStore(onPut = false), CoroutineScheduler) }
    }

    test("a listener that throws misses its update; tracking goes on") {
        val s = Setup(orderId("listener"))
        Backend.script(s.order, doc(s.order, "initiated", false), doc(s.order, "reserved", true))
        val calls = AtomicInteger()
        val listener = object : StatusListener {
            override fun onProgress(progress: TrackerProgress) {
                calls.incrementAndGet()
                throw IllegalStateException("the view is gone")
            }
        }
        tracker(s, listener = listener).use { t ->
            t.onSwitchedOut()
            check(t.awaitSettled() is Outcome.Success) { "outcome" }
            check(calls.get() >= 2) { "listener calls ${calls.get()}" }
        }
    }

    test("a scheduler that throws ends awaitSettled with a typed error; the payment stays pending") {
        val s = Setup(orderId("sched"))
        Backend.script(s.order, doc(s.order, "initiated", false))
        val store = MemoryStore()
        val broken = object : TrackerScheduler {
            override suspend fun sleep(millis: Long) = throw IllegalStateException("no timers here")
        }
        tracker(s, store, scheduler = broken).use { t ->
            t.onSwitchedOut()
            val e = expectThrows<TrackerException.SchedulerFailed>("sleep throws") { t.awaitSettled() }
            check(e.detail.contains("no timers here")) { e.detail }
            expectThrows<TrackerException.SchedulerFailed>("the same error again") { t.awaitSettled() }
        }
        Backend.script(s.order, doc(s.order, "reserved", true))
        val resumed = resumePending(JdkTransport(), store, CoroutineScheduler)
        check(resumed != null) { "the payment is still pending" }
        resumed!!.use { t -> check(t.awaitSettled() is Outcome.Success) { "outcome" } }
    }
}
