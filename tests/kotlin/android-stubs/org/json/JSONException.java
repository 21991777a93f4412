package org.json;

/** Stub of the framework class (compile check only; see README.md). */
public class JSONException extends RuntimeException {
    public JSONException(String message) { super(message); }
}
