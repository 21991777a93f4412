package android.view;

import android.content.Context;

/** Stub of the framework class (compile check only; see README.md). */
public abstract class ViewGroup extends View {
    public ViewGroup(Context context) { super(context); }
    public void addView(View child) {}
}
