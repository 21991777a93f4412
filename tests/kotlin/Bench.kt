// `cargo xtask bench`: what one tracker step costs through the FFI from
// Kotlin, in calls per second. No network: an in-memory transport answers at
// once and the scheduler returns at once, so that only the FFI and the
// core's work are measured. Prints numbers; asserts nothing.
package io.appswitch.tests

import io.appswitch.*
import io.appswitch.core.*
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield
import java.util.concurrent.atomic.AtomicLong

private class InstantTransport(private val body: String) : HttpTransport {
    val calls = AtomicLong()
    override suspend fun get(request: HttpRequest): HttpResponse {
        calls.incrementAndGet()
        return HttpResponse(200, mapOf("Content-Type" to "application/json"), body)
    }
}

private class InstantScheduler : TrackerScheduler {
    val calls = AtomicLong()
    override suspend fun sleep(millis: Long) {
        calls.incrementAndGet()
        yield()
    }
}

/** Calls `block` for about `ms` milliseconds (after a warm-up); calls per second. */
private inline fun rate(ms: Long, block: () -> Unit): Double {
    repeat(10_000) { block() }
    var n = 0L
    val start = System.nanoTime()
    val end = start + ms * 1_000_000
    while (System.nanoTime() < end) {
        repeat(1000) { block() }
        n += 1000
    }
    return n / ((System.nanoTime() - start) / 1e9)
}

private fun show(what: String, perSecond: Double) = println("  %-58s %,12.0f /s".format(what, perSecond))

fun main() = runBlocking {
    val order = "bench-1"
    val fallback = buildFallback(FallbackSpec(Platform.ANDROID, FallbackTarget.App("merchantapp://result"), order, listOf()))
    val deeplink = classifyDeeplink("vippsMT://?token=bench", System.currentTimeMillis())
    val attempt = PaymentAttempt(order, "http://127.0.0.1/status/$order", deeplink.deadlines.receivedAt, deeplink, fallback.expectation)
    val initiated = "{\"version\":1,\"orderId\":\"$order\",\"provider\":\"vipps\",\"status\":\"initiated\",\"final\":false}"
    val policy = vippsPolicy().copy(firstPollAfterMs = 1, pollIntervalMs = 1, rateCap = Int.MAX_VALUE, returnDebounceMs = 0)
    val transport = InstantTransport(initiated)
    val scheduler = InstantScheduler()
    println("== FFI cost from Kotlin ==")
    show("coreVersion() (a plain call, the floor)", rate(500) { coreVersion() })
    PaymentTracker(attempt, transport, MemoryStore(), scheduler, null, policy).use { t ->
        show("onForeground() (an event into the tracker)", rate(500) { t.onForeground() })
        val url = "${fallback.url}&status=301"
        show("handleReturn(url) (check the return URL, queue the event)", rate(500) { t.handleReturn(url) })
        // The loop itself: each step is one poll of the Rust future from this
        // coroutine and one foreign async call (a status request or a sleep).
        t.onSwitchedOut()
        val run = async { t.awaitSettled() }
        delay(300) // warm-up
        val (f0, s0, t0) = Triple(transport.calls.get(), scheduler.calls.get(), System.nanoTime())
        delay(2000)
        val (f1, s1, t1) = Triple(transport.calls.get(), scheduler.calls.get(), System.nanoTime())
        t.stop()
        run.await()
        val secs = (t1 - t0) / 1e9
        show("loop steps in awaitSettled() (a fetch or a sleep each)", ((f1 - f0) + (s1 - s0)) / secs)
    }
    // A whole payment through the FFI: create the tracker (saves the pending
    // payment), the return (check now), one status request, settle (saves the
    // outcome).
    val reserved = initiated.replace("\"initiated\",\"final\":false", "\"reserved\",\"final\":true")
    val store = MemoryStore()
    val instant = InstantTransport(reserved)
    suspend fun onePayment() {
        PaymentTracker(attempt, instant, store, scheduler, null, policy).use { t ->
            t.handleReturn("${fallback.url}&status=301")
            check(t.awaitSettled() is Outcome.Success) { "the bench payment did not succeed" }
        }
    }
    repeat(200) { onePayment() }
    val start = System.nanoTime()
    var n = 0
    while (System.nanoTime() - start < 2_000_000_000L) {
        onePayment()
        n++
    }
    show("payments tracked to the end (return, 1 request, settle)", n / ((System.nanoTime() - start) / 1e9))
}
