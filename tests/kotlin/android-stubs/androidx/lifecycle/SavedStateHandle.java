package androidx.lifecycle;

/** Stub of the AndroidX class (compile check only; see README.md). */
public final class SavedStateHandle {
    public <T> T get(String key) { return null; }
    public <T> void set(String key, T value) {}
    public <T> T remove(String key) { return null; }
}
