// Kotlin tests of the generated bindings, run on the JVM by `cargo xtask test kotlin`
// against the scripted backend (`APPSWITCH_TEST_BACKEND`). Every test has a name;
// a failure prints it with the reason, and the run exits non-zero.
package io.appswitch.tests

import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlin.system.exitProcess

/** A failed expectation. */
class Failed(message: String) : Exception(message)

private class Case(val name: String, val body: suspend () -> Unit)

private val cases = mutableListOf<Case>()

/** Registers a test. */
fun test(name: String, body: suspend () -> Unit) {
    cases += Case(name, body)
}

fun check(ok: Boolean, detail: () -> String) {
    if (!ok) throw Failed(detail())
}

fun <T> expectEq(actual: T, expected: T, what: String) {
    if (actual != expected) throw Failed("$what: expected <$expected>, got <$actual>")
}

/** Runs `block`, which must throw an `E`; returns it. */
inline fun <reified E : Throwable> expectThrows(what: String, block: () -> Unit): E {
    try {
        block()
    } catch (e: Throwable) {
        if (e is E) return e
        throw Failed("$what: expected ${E::class.simpleName}, got ${e::class.qualifiedName}: ${e.message}")
    }
    throw Failed("$what: expected ${E::class.simpleName}, nothing was thrown")
}

fun main(args: Array<String>) {
    argumentTests()
    trackerTests()
    coldStartTests()
    returnCheckTests()
    hostFailureTests()
    val only = args.toSet()
    val selected = cases.filter { only.isEmpty() || it.name in only }
    println("Kotlin binding tests (${selected.size})")
    var failed = 0
    for (case in selected) {
        val started = System.nanoTime()
        val error = try {
            runBlocking { withTimeout(30_000) { case.body() } }
            null
        } catch (e: Throwable) {
            e
        }
        val ms = (System.nanoTime() - started) / 1_000_000
        if (error == null) {
            println("  ok   ${case.name} ($ms ms)")
        } else {
            failed++
            println("  FAIL ${case.name}: ${error::class.simpleName}: ${error.message}")
        }
    }
    println("kotlin: ${selected.size - failed} passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}
