package androidx.lifecycle;

/** Stub of the AndroidX class (compile check only; see README.md). */
public abstract class Lifecycle {
    public enum State { DESTROYED, INITIALIZED, CREATED, STARTED, RESUMED }
}
