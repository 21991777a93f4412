// The merchant's own backend, which holds the provider keys and initiates the
// payment. This is the demo backend's API (`examples/backend`): it builds the
// fallback URL for the app's scheme, initiates with `isApp: true`, and
// answers with everything the app needs to send the shopper off and
// recognise the return.
package io.appswitch.example

import io.appswitch.ReturnExpectation
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runInterruptible
import org.json.JSONObject
import java.io.IOException
import java.net.HttpURLConnection
import java.net.URL

/** What `POST /api/checkout` answers. */
data class Checkout(
    val orderId: String,
    /** The `vipps://` deeplink (or the landing page). */
    val url: String,
    val statusUrl: String,
    val expectation: ReturnExpectation,
)

/** The backend answered, but not with a checkout (`429` too many, `400` …). */
class CheckoutRefused(val status: Int, body: String) : IOException("checkout answered HTTP $status: $body")

class MerchantApi(private val base: String) {
    /** The backend's return check (`GET …/api/payments/{orderId}/return?attempt=…`), for `resumePending`. */
    val returnCheckUrl = "$base/api/payments/{orderId}/return"

    /**
     * `POST {base}/api/checkout {"basketId", "amount", "platform": "android",
     * "fallback": {"kind": "app", "base": returnUrl}}` →
     * `{"orderId", "url", "statusUrl", "returnExpectation", …}`. Throws an
     * [IOException] when the backend cannot be reached or refuses, and
     * `JSONException` / `TrackerException` for an answer that is not a checkout.
     */
    suspend fun checkout(basketId: String, amountOre: Long, returnUrl: String): Checkout = runInterruptible(Dispatchers.IO) {
        val connection = URL("$base/api/checkout").openConnection() as HttpURLConnection
        connection.connectTimeout = 10_000
        connection.readTimeout = 15_000
        try {
            connection.requestMethod = "POST"
            connection.doOutput = true
            connection.setRequestProperty("Content-Type", "application/json")
            val body = JSONObject()
                .put("basketId", basketId)
                .put("amount", amountOre)
                .put("platform", "android")
                .put("fallback", JSONObject().put("kind", "app").put("base", returnUrl))
            connection.outputStream.use { it.write(body.toString().toByteArray()) }
            val status = connection.responseCode
            if (status != 200) {
                throw CheckoutRefused(status, connection.errorStream?.bufferedReader()?.use { it.readText() } ?: "")
            }
            val answer = JSONObject(connection.inputStream.bufferedReader().use { it.readText() })
            Checkout(
                orderId = answer.getString("orderId"),
                url = answer.getString("url"),
                statusUrl = answer.getString("statusUrl"),
                expectation = ReturnExpectation.fromJson(answer.getJSONObject("returnExpectation").toString()),
            )
        } finally {
            connection.disconnect()
        }
    }
}
