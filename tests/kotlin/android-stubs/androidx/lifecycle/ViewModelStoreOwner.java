package androidx.lifecycle;

/** Stub of the AndroidX interface (compile check only; see README.md). */
public interface ViewModelStoreOwner {}
