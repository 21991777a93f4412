// The payment, kept out of the Activity: it survives rotation (the ViewModel),
// its last words survive process death (SavedStateHandle), and the payment in
// flight survives both (appswitch's pending store). A payment starts only when
// the shopper taps Pay; every failure ends on a screen in plain words.
package io.appswitch.example

import androidx.lifecycle.SavedStateHandle
import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import io.appswitch.DeeplinkException
import io.appswitch.HttpTransport
import io.appswitch.KeyValueStore
import io.appswitch.PaymentAttempt
import io.appswitch.PaymentTracker
import io.appswitch.StatusListener
import io.appswitch.TrackerException
import io.appswitch.classifyDeeplink
import io.appswitch.core.Deeplink
import io.appswitch.core.NextStep
import io.appswitch.core.OpenPlan
import io.appswitch.core.Outcome
import io.appswitch.core.Phase
import io.appswitch.core.Platform
import io.appswitch.core.ReturnException
import io.appswitch.core.ShopperText
import io.appswitch.core.TrackerProgress
import io.appswitch.core.UnknownReason
import io.appswitch.forgetPending
import io.appswitch.openPlan
import io.appswitch.outcomeText
import io.appswitch.phaseText
import io.appswitch.reopenLabel
import io.appswitch.resumePending
import kotlinx.coroutines.Job
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.receiveAsFlow
import kotlinx.coroutines.launch
import org.json.JSONException
import java.io.IOException

/** The payment app's name, in the shopper's texts. */
const val APP = "Vipps"

/** What the screen's main button does. */
enum class Action { PAY, CHECK_AGAIN }

/** What the screen shows: words, never a provider's code. */
data class Screen(
    val title: String,
    val detail: String,
    /** The main button, or none (while paying, after success, or "do not pay again"). */
    val action: Action? = null,
    val actionLabel: String = "",
    /** "Open Vipps again", while the payment is pending and its link still valid. */
    val reopenLabel: String? = null,
)

class CheckoutViewModel(
    private val saved: SavedStateHandle,
    private val api: MerchantApi,
    private val transport: HttpTransport,
    private val store: KeyValueStore,
    /** The shopper's language tag (`Locale.getDefault().toLanguageTag()`). */
    private val language: String,
) : ViewModel(), StatusListener {
    private val state = MutableStateFlow(restored() ?: ready())
    val screen: StateFlow<Screen> = state

    /** Plans to open, once each (the Activity starts the intent and reports back). */
    private val plans = Channel<OpenPlan>(Channel.BUFFERED)
    val open: Flow<OpenPlan> = plans.receiveAsFlow()

    private var tracker: PaymentTracker? = null
    private var deeplink: Deeplink? = null
    private var job: Job? = null
    private var started = false
    private var lastReturnUrl: String? = null

    /**
     * Every `onCreate` calls this; only this ViewModel's first call does
     * anything (a rotation does not): it resumes the payment that was in flight
     * when the process died, or — launched by the return URL — the payment that
     * URL is the return of, even with an empty store (the backend vouches for it).
     */
    fun start(launchUrl: String?) {
        if (started) return
        started = true
        run { resume(launchUrl) }
    }

    /** The main button. */
    fun onAction() = when (state.value.action) {
        Action.PAY -> pay()
        Action.CHECK_AGAIN -> run { resume(lastReturnUrl) }
        null -> Unit
    }

    /** The payment app sent the shopper back (`onNewIntent`). */
    fun onReturn(url: String) {
        val t = tracker
        if (t == null) {
            run { resume(url) }
            return
        }
        try {
            t.handleReturn(url)
        } catch (e: ReturnException) {
            // Another attempt's link (stale or forged): it changes nothing; tracking goes on.
        }
    }

    /** "Open Vipps again". */
    fun reopen() {
        val link = deeplink ?: return
        try {
            plans.trySend(openPlan(link, Platform.ANDROID))
        } catch (e: DeeplinkException) {
            show(problem("The payment app cannot be opened from here.", Action.PAY))
        }
    }

    /** The Activity opened the payment app (or its landing page). */
    fun onSwitchedOut() = tracker?.onSwitchedOut()

    /** The payment app is not installed and there is no store page, or the link expired. */
    fun onCannotOpen(why: String) {
        tracker?.stop()
        show(problem(why, Action.PAY))
    }

    fun onForeground() = tracker?.onForeground()

    fun onBackground() = tracker?.onBackground()

    override fun onProgress(progress: TrackerProgress) {
        // On the tracker's thread; a StateFlow takes values from any thread.
        state.value = waiting(progress.phase)
    }

    override fun onCleared() {
        // Tracking pauses; the pending payment is in the store for the next start.
        tracker?.close()
    }

    /** Runs `block` unless something is already running: one thing at a time, never twice. */
    private fun run(block: suspend () -> Unit) {
        if (job?.isActive == true) return
        job = viewModelScope.launch { block() }
    }

    private fun pay() {
        if (tracker != null) return // Pay is not offered while a payment is in flight
        run {
            state.value = Screen(phaseText(Phase.AWAITING_SWITCH, language, APP), "")
            try {
                val checkout = api.checkout(basketId = "basket-42", amountOre = 20000, returnUrl = RETURN_URL)
                val link = classifyDeeplink(checkout.url, System.currentTimeMillis())
                val attempt = PaymentAttempt(checkout.orderId, checkout.statusUrl, link.deadlines.receivedAt, link, checkout.expectation)
                follow(PaymentTracker(attempt, transport, store, CoroutineScheduler, this), link)
                plans.send(openPlan(link, Platform.ANDROID))
            } catch (e: IOException) {
                show(problem("We could not reach the shop, so nothing was charged. Check your connection and try again.", Action.PAY))
            } catch (e: JSONException) {
                show(problem("The shop answered something we did not understand. Nothing was charged; please try again.", Action.PAY))
            } catch (e: DeeplinkException) {
                show(problem("The payment app cannot be opened for this payment. Nothing was charged; please try again.", Action.PAY))
            } catch (e: TrackerException) {
                show(problem("The payment could not start. Nothing was charged; please try again.", Action.PAY))
            }
        }
    }

    /** A cold start: what the store holds, or what the return URL is the return of. */
    private suspend fun resume(url: String?) {
        lastReturnUrl = url
        try {
            val t = resumePending(transport, store, CoroutineScheduler, this, url, api.returnCheckUrl) ?: return
            state.value = waiting(Phase.POLLING)
            follow(t, null)
        } catch (e: TrackerException.ReturnRefused) {
            show(problem("This link does not belong to a payment in this app. Nothing was charged by opening it.", Action.PAY))
        } catch (e: TrackerException.ReturnCheckFailed) {
            show(words(outcomeText(Outcome.Unknown(UnknownReason.BACKEND_UNREACHABLE), language, APP), retry = true))
        } catch (e: TrackerException) {
            show(words(outcomeText(Outcome.Unknown(UnknownReason.STOPPED), language, APP)))
        }
    }

    /** Tracks `t` to its outcome and shows it; then forgets the pending payment. */
    private fun follow(t: PaymentTracker, link: Deeplink?) {
        tracker = t
        deeplink = link
        viewModelScope.launch {
            val text = try {
                outcomeText(t.awaitSettled(), language, APP)
            } catch (e: TrackerException) {
                // The tracker could not wait (its scheduler failed): the payment stays pending.
                outcomeText(Outcome.Unknown(UnknownReason.STOPPED), language, APP)
            }
            show(words(text))
            try {
                forgetPending(store, t.orderId())
            } catch (e: TrackerException) {
                // The store is unwell; the outcome is shown all the same.
            }
            tracker = null
            deeplink = null
            t.close()
        }
    }

    private fun ready() = Screen("Vipps socks, 200 kr", "", Action.PAY, "Pay with $APP")

    private fun waiting(phase: Phase): Screen {
        val link = deeplink
        val canReopen = link != null && System.currentTimeMillis() < link.deadlines.linkValidUntil
        return Screen(phaseText(phase, language, APP), "", reopenLabel = if (canReopen) reopenLabel(language, APP) else null)
    }

    /** The outcome's words; "Try again" only where nothing was charged. */
    private fun words(text: ShopperText, retry: Boolean = false) = when {
        retry -> Screen(text.title, text.detail, Action.CHECK_AGAIN, "Check again")
        text.nextStep == NextStep.TRY_AGAIN -> Screen(text.title, text.detail, Action.PAY, text.action)
        else -> Screen(text.title, text.detail)
    }

    private fun problem(detail: String, action: Action) = Screen("Something went wrong", detail, action, "Try again")

    /** Shows `screen`, and keeps it in the saved state (not the passing "checking…" ones). */
    private fun show(screen: Screen) {
        state.value = screen
        saved["title"] = screen.title
        saved["detail"] = screen.detail
        saved["action"] = screen.action?.name
        saved["actionLabel"] = screen.actionLabel
    }

    private fun restored(): Screen? {
        val title = saved.get<String>("title") ?: return null
        val action = saved.get<String>("action")?.let { Action.valueOf(it) }
        return Screen(title, saved.get<String>("detail") ?: "", action, saved.get<String>("actionLabel") ?: "")
    }
}
