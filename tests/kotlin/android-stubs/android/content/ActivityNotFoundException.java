package android.content;

/** Stub of the framework class (compile check only; see README.md). */
public class ActivityNotFoundException extends RuntimeException {
    public ActivityNotFoundException(String message) { super(message); }
}
