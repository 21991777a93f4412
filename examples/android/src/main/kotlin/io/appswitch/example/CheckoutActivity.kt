// One Activity that pays with the payment app and shows the truth afterwards:
// it opens the deeplink as the open plan says, hands returns (onNewIntent) and
// foreground changes (onResume/onPause) to the tracker, and after process death
// resumes the payment from SharedPreferences.
package io.appswitch.example

import android.app.Activity
import android.content.ActivityNotFoundException
import android.content.Context
import android.content.Intent
import android.net.Uri
import android.os.Bundle
import android.widget.TextView
import io.appswitch.core.OpenPlan
import io.appswitch.core.Outcome
import io.appswitch.PaymentAttempt
import io.appswitch.PaymentTracker
import io.appswitch.core.Platform
import io.appswitch.core.ReturnException
import io.appswitch.StatusListener
import io.appswitch.core.TrackerProgress
import io.appswitch.classifyDeeplink
import io.appswitch.forgetPending
import io.appswitch.openPlan
import io.appswitch.resumePending
import kotlinx.coroutines.MainScope
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch

/** The app's URL scheme; the manifest routes `merchantapp://result` here. */
const val RETURN_URL = "merchantapp://result"

class CheckoutActivity : Activity(), StatusListener {
    private val scope = MainScope()
    private val api = MerchantApi("https://shop.example.no")
    private val transport = UrlConnectionTransport()
    private lateinit var store: PrefsStore
    private lateinit var status: TextView
    private var tracker: PaymentTracker? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        status = TextView(this)
        setContentView(status)
        store = PrefsStore(getSharedPreferences("appswitch", Context.MODE_PRIVATE))
        // Cold start: the process may have died while the shopper was in the
        // payment app; the return URL that started us, if any, says which attempt.
        val resumed = resumePending(transport, store, CoroutineScheduler, this, intent?.data?.toString())
        if (resumed != null) follow(resumed) else pay()
    }

    private fun pay() = scope.launch {
        // The backend builds the fallback for our scheme and initiates; the
        // return expectation it sends back recognises our return.
        val checkout = api.checkout(basketId = "basket-42", amountOre = 20000, returnUrl = RETURN_URL)
        val deeplink = classifyDeeplink(checkout.url, System.currentTimeMillis())
        val attempt = PaymentAttempt(checkout.orderId, checkout.statusUrl, deeplink.deadlines.receivedAt, deeplink, checkout.expectation)
        val t = PaymentTracker(attempt, transport, store, CoroutineScheduler, this@CheckoutActivity)
        tracker = t
        if (open(openPlan(deeplink, Platform.ANDROID))) t.onSwitchedOut() else t.stop()
        follow(t)
    }

    /** Opens the payment app (or the store page, or the landing page). */
    private fun open(plan: OpenPlan): Boolean = when (plan) {
        is OpenPlan.AndroidViewIntent -> try {
            startActivity(Intent(Intent.ACTION_VIEW, Uri.parse(plan.url)))
            true
        } catch (e: ActivityNotFoundException) {
            plan.playStoreUrl?.let { startActivity(Intent(Intent.ACTION_VIEW, Uri.parse(it))) }
            false
        }
        is OpenPlan.OpenLandingPage -> {
            startActivity(Intent(Intent.ACTION_VIEW, Uri.parse(plan.url)))
            true
        }
        is OpenPlan.StartNewAttempt -> {
            status.setText("The payment link expired; please try again.")
            false
        }
        is OpenPlan.IosOpenApp -> false
    }

    private fun follow(t: PaymentTracker) {
        tracker = t
        scope.launch {
            val outcome = t.awaitSettled()
            status.setText(describe(outcome))
            forgetPending(store, t.orderId())
        }
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        val url = intent.data?.toString() ?: return
        try {
            tracker?.handleReturn(url)
        } catch (e: ReturnException) {
            // A stale or forged link: tracking goes on regardless.
        }
    }

    override fun onResume() {
        super.onResume()
        tracker?.onForeground()
    }

    override fun onPause() {
        tracker?.onBackground()
        super.onPause()
    }

    override fun onDestroy() {
        // Tracking pauses; the pending payment is in the store for the next start.
        scope.cancel()
        tracker?.close()
        super.onDestroy()
    }

    override fun onProgress(progress: TrackerProgress) {
        runOnUiThread { status.setText("Checking the payment… (${progress.phase})") }
    }
}

fun describe(outcome: Outcome): String = when (outcome) {
    is Outcome.Success -> "Paid: ${(outcome.status.reserved ?: 0) / 100.0} kr reserved"
    is Outcome.Cancelled -> "The payment was cancelled"
    is Outcome.Rejected -> "The payment timed out in the app"
    is Outcome.Failed -> "The payment failed: ${outcome.reason}"
    is Outcome.Unknown -> "We could not confirm the payment (${outcome.reason}); check your order list"
}
