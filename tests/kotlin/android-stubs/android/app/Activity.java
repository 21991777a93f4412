package android.app;

import android.content.Context;
import android.content.Intent;
import android.content.SharedPreferences;
import android.os.Bundle;
import android.view.View;

/** Stub of the framework class (compile check only; see README.md). */
public class Activity extends Context {
    public Intent getIntent() { return null; }
    protected void onCreate(Bundle savedInstanceState) {}
    protected void onNewIntent(Intent intent) {}
    protected void onResume() {}
    protected void onPause() {}
    protected void onDestroy() {}
    public void setContentView(View view) {}
    public final void runOnUiThread(Runnable action) {}
    @Override public SharedPreferences getSharedPreferences(String name, int mode) { return null; }
    @Override public void startActivity(Intent intent) {}
}
