package androidx.activity;

import android.app.Activity;
import androidx.lifecycle.Lifecycle;
import androidx.lifecycle.LifecycleOwner;
import androidx.lifecycle.ViewModelStoreOwner;

/** Stub of the AndroidX class (compile check only; see README.md). */
public class ComponentActivity extends Activity implements LifecycleOwner, ViewModelStoreOwner {
    @Override public Lifecycle getLifecycle() { return null; }
}
