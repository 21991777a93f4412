package android.content;

/** Stub of the framework class (compile check only; see README.md). */
public abstract class Context {
    public static final int MODE_PRIVATE = 0;
    public abstract SharedPreferences getSharedPreferences(String name, int mode);
    public abstract void startActivity(Intent intent);
    public Context getApplicationContext() { return this; }
}
