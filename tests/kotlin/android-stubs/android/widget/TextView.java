package android.widget;

import android.content.Context;
import android.view.View;

/** Stub of the framework class (compile check only; see README.md). */
public class TextView extends View {
    public TextView(Context context) { super(context); }
    public final void setText(CharSequence text) {}
    public CharSequence getText() { return ""; }
}
