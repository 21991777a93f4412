package android.view;

import android.content.Context;

/** Stub of the framework class (compile check only; see README.md). */
public class View {
    public static final int VISIBLE = 0;
    public static final int GONE = 8;
    public View(Context context) {}
    public void setVisibility(int visibility) {}
    public void setEnabled(boolean enabled) {}
    public void setOnClickListener(OnClickListener listener) {}

    public interface OnClickListener {
        void onClick(View v);
    }
}
