package androidx.lifecycle;

/** Stub of the AndroidX class (compile check only; see README.md). */
public abstract class ViewModel {
    protected void onCleared() {}
}
