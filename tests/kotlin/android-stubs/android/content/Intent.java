package android.content;

import android.net.Uri;

/** Stub of the framework class (compile check only; see README.md). */
public class Intent {
    public static final String ACTION_VIEW = "android.intent.action.VIEW";
    public Intent(String action, Uri uri) {}
    public Uri getData() { return null; }
}
