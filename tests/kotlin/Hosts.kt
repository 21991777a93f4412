// What an app hands the tracker, built from the JDK: an HTTP transport on
// java.net.http.HttpClient (standing in for OkHttp), stores in memory and in
// files (standing in for SharedPreferences), the coroutine scheduler, and a
// listener that records what it is told. Plus the scripted backend's API.
package io.appswitch.tests

import io.appswitch.*
import io.appswitch.core.*
import kotlinx.coroutines.delay
import kotlinx.coroutines.future.await
import java.net.ConnectException
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpConnectTimeoutException
import java.net.http.HttpResponse.BodyHandlers
import java.net.http.HttpTimeoutException
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicInteger
import java.net.http.HttpRequest as JdkRequest

/** The app's HTTP stack: the JDK's client, honouring the request's timeouts. */
class JdkTransport : HttpTransport {
    private val clients = ConcurrentHashMap<Long, HttpClient>()
    val calls = AtomicInteger()

    override suspend fun get(request: HttpRequest): HttpResponse {
        calls.incrementAndGet()
        val client = clients.getOrPut(request.connectTimeoutMs) {
            HttpClient.newBuilder().connectTimeout(Duration.ofMillis(request.connectTimeoutMs)).build()
        }
        val jdk = JdkRequest.newBuilder(URI.create(request.url))
            .timeout(Duration.ofMillis(request.readTimeoutMs))
            .GET()
            .build()
        try {
            val response = client.sendAsync(jdk, BodyHandlers.ofString()).await()
            val headers = response.headers().map().mapValues { it.value.firstOrNull() ?: "" }
            return HttpResponse(response.statusCode(), headers, response.body())
        } catch (e: HttpConnectTimeoutException) {
            throw TransportException.ConnectTimeout()
        } catch (e: HttpTimeoutException) {
            throw TransportException.ReadTimeout()
        } catch (e: ConnectException) {
            throw TransportException.Other("connection refused: ${e.message}")
        }
    }
}

/** The app's store, in memory. */
class MemoryStore : KeyValueStore {
    val values = ConcurrentHashMap<String, String>()
    override fun get(key: String): String? = values[key]
    override fun put(key: String, value: String) {
        values[key] = value
    }
}

/** The app's store in files, one per key: what survives the process. */
class FileStore(private val dir: Path) : KeyValueStore {
    private fun file(key: String) = dir.resolve(key.replace(Regex("[^A-Za-z0-9._-]"), "_"))
    override fun get(key: String): String? = file(key).let { if (Files.exists(it)) Files.readString(it) else null }
    override fun put(key: String, value: String) {
        Files.createDirectories(dir)
        Files.writeString(file(key), value)
    }
}

/** The app's scheduler: coroutine `delay`. */
object CoroutineScheduler : TrackerScheduler {
    override suspend fun sleep(millis: Long) = delay(millis)
}

/** Records every progress update. */
class Recorder : StatusListener {
    val seen = CopyOnWriteArrayList<TrackerProgress>()
    override fun onProgress(progress: TrackerProgress) {
        seen += progress
    }
    fun phases() = seen.map { it.phase }.toSet()
}

/** The scripted backend started by xtask (`tests/backend`). */
object Backend {
    val url: String = System.getenv("APPSWITCH_TEST_BACKEND")
        ?: throw IllegalStateException("APPSWITCH_TEST_BACKEND is not set: run `cargo xtask test kotlin`")
    private val client = HttpClient.newHttpClient()

    /** Scripts the answers of `GET /status/{order}` (the last one repeats). */
    fun script(order: String, vararg steps: String) {
        val request = JdkRequest.newBuilder(URI.create("$url/script/$order"))
            .PUT(JdkRequest.BodyPublishers.ofString(steps.joinToString(",", "[", "]")))
            .build()
        val response = client.send(request, BodyHandlers.ofString())
        check(response.statusCode() == 204) { "scripting $order: ${response.statusCode()} ${response.body()}" }
    }

    /** What the backend saw for `order`, as its JSON text. */
    private fun seen(order: String): String =
        client.send(JdkRequest.newBuilder(URI.create("$url/requests/$order")).build(), BodyHandlers.ofString()).body()

    /** How many status requests the backend saw for `order`. */
    fun requests(order: String): Int = Regex("\"atMs\"").findAll(seen(order)).count()

    /** The `wait` parameters of those requests. */
    fun waits(order: String): List<String?> =
        Regex("\"wait\":(null|\"(\\d+)\")").findAll(seen(order)).map { it.groups[2]?.value }.toList()

    fun statusUrl(order: String) = "$url/status/$order"

    /** The return check, as the app is configured with it. */
    val returnCheckUrl: String get() = "$url/return/{orderId}"

    /**
     * The fallback the backend builds for `order` (and whose nonce it keeps as
     * the return token): its URL. A newer one makes this one stale.
     */
    fun fallback(order: String, base: String = "merchantapp://result"): String {
        val request = JdkRequest.newBuilder(URI.create("$url/fallback/$order"))
            .POST(JdkRequest.BodyPublishers.ofString("{\"base\":\"$base\",\"kind\":\"app\"}"))
            .build()
        val response = client.send(request, BodyHandlers.ofString())
        check(response.statusCode() == 200) { "fallback for $order: ${response.statusCode()} ${response.body()}" }
        return Regex("\"url\":\"([^\"]+)\"").find(response.body())!!.groupValues[1]
    }

    /** How many return checks the backend was asked for `order`. */
    fun checks(order: String): Int =
        client.send(JdkRequest.newBuilder(URI.create("$url/checks/$order")).build(), BodyHandlers.ofString()).body().toInt()
}

/** A status document step (appswitch's own status endpoint answer). */
fun doc(order: String, status: String, final: Boolean, reserved: Long = 0, cancelledBy: String? = null): String {
    val by = if (cancelledBy != null) ",\"cancelledBy\":\"$cancelledBy\"" else ""
    val body = "{\"version\":1,\"orderId\":\"$order\",\"provider\":\"vipps\",\"status\":\"$status\"," +
        "\"final\":$final,\"amounts\":{\"reserved\":$reserved}$by}"
    return "{\"status\":200,\"body\":$body}"
}

/** An HTTP error step. */
fun httpError(status: Int, retryAfter: String? = null): String {
    val headers = if (retryAfter != null) ",\"headers\":{\"Retry-After\":\"$retryAfter\"}" else ""
    return "{\"status\":$status$headers}"
}

private val counter = AtomicInteger()

/** A fresh order id (1–30 of `A-Za-z0-9-`). */
fun orderId(prefix: String) = "$prefix-${ProcessHandle.current().pid() % 10000}-${counter.incrementAndGet()}"

/** Short timings, so that the suite is fast; the rules are the core's. */
fun fastPolicy(): TrackingPolicy = vippsPolicy().copy(
    firstPollAfterMs = 50,
    pollIntervalMs = 50,
    backoffBaseMs = 50,
    backoffMaxMs = 200,
    returnDebounceMs = 20,
    rateCap = 1000,
)

/** One attempt from an Android app with an app-scheme fallback. */
class Setup(val order: String) {
    val fallback = buildFallback(FallbackSpec(Platform.ANDROID, FallbackTarget.App("merchantapp://result"), order, listOf()))
    val deeplink = classifyDeeplink("vippsMT://?token=test-$order", System.currentTimeMillis())
    val attempt = PaymentAttempt(order, Backend.statusUrl(order), deeplink.deadlines.receivedAt, deeplink, fallback.expectation)

    /** The URL the payment app opens when the shopper is done (with the deprecated status). */
    val returnUrl = "${fallback.url}&status=301"
}

/** Waits (polling, at most 10 s) until `condition` holds. */
suspend fun waitUntil(what: String, condition: () -> Boolean) {
    val until = System.currentTimeMillis() + 10_000
    while (!condition()) {
        if (System.currentTimeMillis() > until) throw Failed("timed out waiting until $what")
        delay(10)
    }
}

fun tempDir(name: String): Path = Files.createTempDirectory("appswitch-$name").also { dir ->
    // Nothing left in /tmp after the run.
    Runtime.getRuntime().addShutdownHook(Thread { dir.toFile().deleteRecursively() })
}
