package androidx.lifecycle.viewmodel;

/** Stub of the AndroidX class (compile check only; see README.md). */
public abstract class CreationExtras {}
