// Stubs of the AndroidX Kotlin extensions the example uses (compile check
// only; see README.md): lifecycle-viewmodel-ktx, lifecycle-runtime-ktx and
// lifecycle-viewmodel-savedstate.
package androidx.lifecycle

import androidx.lifecycle.viewmodel.CreationExtras
import kotlinx.coroutines.CoroutineScope

val ViewModel.viewModelScope: CoroutineScope
    get() = throw UnsupportedOperationException("stub")

val LifecycleOwner.lifecycleScope: CoroutineScope
    get() = throw UnsupportedOperationException("stub")

suspend fun LifecycleOwner.repeatOnLifecycle(state: Lifecycle.State, block: suspend CoroutineScope.() -> Unit): Unit =
    throw UnsupportedOperationException("stub")

fun CreationExtras.createSavedStateHandle(): SavedStateHandle = throw UnsupportedOperationException("stub")
