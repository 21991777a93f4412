package android.os;

/** Stub of the framework class (compile check only; see README.md). */
public class Bundle {}
