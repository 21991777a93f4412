package androidx.lifecycle;

import androidx.lifecycle.viewmodel.CreationExtras;

/** Stub of the AndroidX class (compile check only; see README.md). */
public class ViewModelProvider {
    public ViewModelProvider(ViewModelStoreOwner owner, Factory factory) {}
    public <T extends ViewModel> T get(Class<T> modelClass) { return null; }

    public interface Factory {
        default <T extends ViewModel> T create(Class<T> modelClass, CreationExtras extras) { return null; }
    }
}
