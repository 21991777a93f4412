package android.widget;

import android.content.Context;

/** Stub of the framework class (compile check only; see README.md). */
public class Button extends TextView {
    public Button(Context context) { super(context); }
}
