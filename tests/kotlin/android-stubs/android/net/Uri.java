package android.net;

/** Stub of the framework class (compile check only; see README.md). */
public abstract class Uri {
    public static Uri parse(String uriString) { return null; }
}
