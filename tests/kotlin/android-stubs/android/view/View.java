package android.view;

import android.content.Context;

/** Stub of the framework class (compile check only; see README.md). */
public class View {
    public View(Context context) {}
}
