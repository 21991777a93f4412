// One Activity that shows the ViewModel's screen and does what only an Activity
// can: start the payment app's intent, and hand the ViewModel the return URL
// (the launch intent, onNewIntent) and the foreground changes (onResume/onPause).
// Nothing here starts a payment: only a tap on Pay does.
package io.appswitch.example

import android.content.ActivityNotFoundException
import android.content.Context
import android.content.Intent
import android.net.Uri
import android.os.Bundle
import android.view.View
import android.widget.Button
import android.widget.LinearLayout
import android.widget.TextView
import androidx.activity.ComponentActivity
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.ViewModel
import androidx.lifecycle.ViewModelProvider
import androidx.lifecycle.createSavedStateHandle
import androidx.lifecycle.lifecycleScope
import androidx.lifecycle.repeatOnLifecycle
import androidx.lifecycle.viewmodel.CreationExtras
import io.appswitch.core.OpenPlan
import kotlinx.coroutines.launch
import java.util.Locale

/** The app's URL scheme; the manifest routes `merchantapp://result` here. */
const val RETURN_URL = "merchantapp://result"

/** The merchant's backend. */
const val SHOP = "https://shop.example.no"

class CheckoutActivity : ComponentActivity() {
    private lateinit var model: CheckoutViewModel

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val views = CheckoutViews(this)
        setContentView(views.root)
        model = ViewModelProvider(this, factory(applicationContext))[CheckoutViewModel::class.java]
        views.action.setOnClickListener { model.onAction() }
        views.reopen.setOnClickListener { model.reopen() }
        lifecycleScope.launch {
            repeatOnLifecycle(Lifecycle.State.STARTED) {
                launch { model.screen.collect { views.show(it) } }
                launch { model.open.collect { open(it) } }
            }
        }
        // Resumes a payment in flight, or the one the return URL that launched
        // us belongs to; after a rotation the ViewModel ignores it.
        model.start(intent?.data?.toString())
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        intent.data?.let { model.onReturn(it.toString()) }
    }

    override fun onResume() {
        super.onResume()
        model.onForeground()
    }

    override fun onPause() {
        model.onBackground()
        super.onPause()
    }

    /** Opens the payment app as the plan says (or its store page, or the landing page). */
    private fun open(plan: OpenPlan) {
        when (plan) {
            is OpenPlan.AndroidViewIntent -> try {
                startActivity(Intent(Intent.ACTION_VIEW, Uri.parse(plan.url)))
                model.onSwitchedOut()
            } catch (e: ActivityNotFoundException) {
                val store = plan.playStoreUrl
                if (store != null) {
                    try {
                        startActivity(Intent(Intent.ACTION_VIEW, Uri.parse(store)))
                    } catch (e: ActivityNotFoundException) {
                        // No store app either.
                    }
                }
                model.onCannotOpen("Install $APP, then tap Try again.")
            }
            is OpenPlan.OpenLandingPage -> try {
                startActivity(Intent(Intent.ACTION_VIEW, Uri.parse(plan.url)))
                model.onSwitchedOut()
            } catch (e: ActivityNotFoundException) {
                model.onCannotOpen("There is no browser to open the payment page in.")
            }
            is OpenPlan.StartNewAttempt -> model.onCannotOpen("The payment link expired. Nothing was charged; tap Try again.")
            is OpenPlan.IosOpenApp -> model.onCannotOpen("This payment is for iOS.")
        }
    }
}

/** The ViewModel with its pieces, and its saved state. */
private fun factory(context: Context) = object : ViewModelProvider.Factory {
    @Suppress("UNCHECKED_CAST")
    override fun <T : ViewModel> create(modelClass: Class<T>, extras: CreationExtras): T = CheckoutViewModel(
        saved = extras.createSavedStateHandle(),
        api = MerchantApi(SHOP),
        transport = UrlConnectionTransport(),
        store = PrefsStore(context.getSharedPreferences("appswitch", Context.MODE_PRIVATE)),
        language = Locale.getDefault().toLanguageTag(),
    ) as T
}

/** A title, a sentence and two buttons, made in code (no resources to keep). */
private class CheckoutViews(context: Context) {
    val root = LinearLayout(context)
    private val title = TextView(context)
    private val detail = TextView(context)
    val action = Button(context)
    val reopen = Button(context)

    init {
        root.setOrientation(LinearLayout.VERTICAL)
        listOf(title, detail, action, reopen).forEach { root.addView(it) }
    }

    fun show(screen: Screen) {
        title.setText(screen.title)
        detail.setText(screen.detail)
        action.setText(screen.actionLabel)
        action.setVisibility(if (screen.action != null) View.VISIBLE else View.GONE)
        reopen.setText(screen.reopenLabel ?: "")
        reopen.setVisibility(if (screen.reopenLabel != null) View.VISIBLE else View.GONE)
    }
}
