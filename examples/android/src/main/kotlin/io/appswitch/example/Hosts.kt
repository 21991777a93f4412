// What the app hands appswitch: its HTTP stack, its SharedPreferences and its
// coroutine scheduler. The transport uses HttpURLConnection so that the example
// needs nothing beyond the platform; with OkHttp, see the README.
package io.appswitch.example

import android.content.SharedPreferences
import io.appswitch.HttpRequest
import io.appswitch.HttpResponse
import io.appswitch.HttpTransport
import io.appswitch.KeyValueStore
import io.appswitch.TrackerScheduler
import io.appswitch.TransportException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.runInterruptible
import java.io.IOException
import java.net.HttpURLConnection
import java.net.SocketTimeoutException
import java.net.URL
import java.net.UnknownHostException

/**
 * GETs the merchant backend's status URL on the IO dispatcher. A timeout is
 * told apart by where it happened — while connecting or while reading — and
 * never by asking the connection again (`responseCode` after a failure would
 * send the request a second time, on the tracker's behalf but outside its
 * schedule and rate limit).
 */
class UrlConnectionTransport : HttpTransport {
    override suspend fun get(request: HttpRequest): HttpResponse = runInterruptible(Dispatchers.IO) {
        val connection = URL(request.url).openConnection() as HttpURLConnection
        connection.connectTimeout = request.connectTimeoutMs.toInt()
        connection.readTimeout = request.readTimeoutMs.toInt()
        try {
            try {
                connection.connect()
            } catch (e: SocketTimeoutException) {
                throw TransportException.ConnectTimeout()
            }
            try {
                val status = connection.responseCode
                val stream = if (status >= 400) connection.errorStream else connection.inputStream
                val body = stream?.bufferedReader()?.use { it.readText() } ?: ""
                val headers = connection.headerFields
                    .filterKeys { it != null }
                    .mapValues { it.value.firstOrNull() ?: "" }
                HttpResponse(status, headers, body)
            } catch (e: SocketTimeoutException) {
                throw TransportException.ReadTimeout()
            }
        } catch (e: UnknownHostException) {
            throw TransportException.Offline()
        } catch (e: IOException) {
            throw TransportException.Other(e.toString())
        } finally {
            connection.disconnect()
        }
    }
}

/** The pending payment in SharedPreferences (nothing secret is stored). */
class PrefsStore(private val prefs: SharedPreferences) : KeyValueStore {
    override fun get(key: String): String? = prefs.getString(key, null)

    // commit(), not apply(): the payment must be on disk before the shopper leaves.
    override fun put(key: String, value: String) {
        prefs.edit().putString(key, value).commit()
    }
}

/** The tracker waits with coroutine `delay`; an event cancels the wait. */
object CoroutineScheduler : TrackerScheduler {
    override suspend fun sleep(millis: Long) = delay(millis)
}
