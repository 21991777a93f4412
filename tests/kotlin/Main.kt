// Kotlin tests of the generated bindings, run on the JVM by `cargo xtask test`.
package io.appswitch.tests

import io.appswitch.coreVersion
import kotlin.system.exitProcess

private var failures = 0

fun check(name: String, ok: Boolean, detail: () -> String = { "" }) {
    if (ok) println("  ok   $name") else { failures++; println("  FAIL $name ${detail()}") }
}

fun main() {
    println("Kotlin binding tests")
    val v = coreVersion()
    check("the library loads and answers", v.isNotEmpty()) { "version was '$v'" }
    if (failures > 0) { println("$failures failure(s)"); exitProcess(1) }
    println("all passed")
}
