// A tiny test harness (no XCTest, so the same file runs on Linux): named
// tests, a line per test, a closing "N passed, N failed" and a non-zero exit
// on failure. The generated AppSwitch.swift is compiled into this module.
import Foundation

struct Failure: Error, CustomStringConvertible {
    let description: String
}

func check(_ ok: Bool, _ detail: @autoclosure () -> String) throws {
    if !ok { throw Failure(description: detail()) }
}

func expectEq<T: Equatable>(_ actual: T, _ expected: T, _ what: String) throws {
    if actual != expected { throw Failure(description: "\(what): expected <\(expected)>, got <\(actual)>") }
}

/// Runs `body`, which must throw an error that `matches` accepts.
func expectThrows<T>(_ what: String, _ body: () async throws -> T, _ matches: (Error) -> Bool) async throws {
    do {
        _ = try await body()
    } catch {
        if matches(error) { return }
        throw Failure(description: "\(what): unexpected error \(error)")
    }
    throw Failure(description: "\(what): nothing was thrown")
}

var cases: [(name: String, body: () async throws -> Void)] = []

func test(_ name: String, _ body: @escaping () async throws -> Void) {
    cases.append((name, body))
}

/// Waits (at most 10 s) until `condition` holds.
func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
    let until = Date().addingTimeInterval(10)
    while try await !condition() {
        if Date() > until { throw Failure(description: "timed out waiting until \(what)") }
        try await Task.sleep(nanoseconds: 10_000_000)
    }
}
