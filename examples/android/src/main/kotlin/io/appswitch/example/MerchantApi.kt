// The merchant's own backend, which holds the provider keys and initiates the
// payment. Its API is the merchant's; this one takes the fallback and answers
// with the provider's `url` and the backend's status URL for the order.
package io.appswitch.example

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.json.JSONObject
import java.net.HttpURLConnection
import java.net.URL

/** What the backend answers to "initiate". */
data class Initiated(val url: String, val statusUrl: String)

class MerchantApi(private val base: String) {
    /** `POST {base}/api/payments {"orderId", "fallBack", "isApp"}` → `{"url", "statusUrl"}`. */
    suspend fun initiate(orderId: String, fallBack: String, isApp: Boolean): Initiated = withContext(Dispatchers.IO) {
        val connection = URL("$base/api/payments").openConnection() as HttpURLConnection
        try {
            connection.requestMethod = "POST"
            connection.doOutput = true
            connection.setRequestProperty("Content-Type", "application/json")
            val body = JSONObject().put("orderId", orderId).put("fallBack", fallBack).put("isApp", isApp)
            connection.outputStream.use { it.write(body.toString().toByteArray()) }
            val answer = JSONObject(connection.inputStream.bufferedReader().use { it.readText() })
            Initiated(answer.getString("url"), answer.getString("statusUrl"))
        } finally {
            connection.disconnect()
        }
    }
}
