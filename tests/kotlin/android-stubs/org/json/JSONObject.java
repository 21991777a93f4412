package org.json;

/** Stub of the framework class (compile check only; see README.md). */
public class JSONObject {
    public JSONObject() {}
    public JSONObject(String json) throws JSONException {}
    public JSONObject put(String name, Object value) throws JSONException { return this; }
    public JSONObject put(String name, boolean value) throws JSONException { return this; }
    public JSONObject put(String name, long value) throws JSONException { return this; }
    public JSONObject getJSONObject(String name) throws JSONException { throw new JSONException("stub"); }
    public String getString(String name) throws JSONException { return ""; }
}
