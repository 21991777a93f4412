// What an iOS app hands the tracker: URLSession, a store in memory or in
// files (standing in for the Keychain / UserDefaults), Task.sleep, and a
// listener that records what it is told. Plus the scripted backend's API.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n - 1 }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}

/// One request on URLSession, as an async call.
func fetch(_ request: URLRequest, session: URLSession = .shared) async throws -> (Data, HTTPURLResponse) {
    try await withCheckedThrowingContinuation { continuation in
        session.dataTask(with: request) { data, response, error in
            if let error = error {
                continuation.resume(throwing: error)
            } else if let http = response as? HTTPURLResponse {
                continuation.resume(returning: (data ?? Data(), http))
            } else {
                continuation.resume(throwing: URLError(.badServerResponse))
            }
        }.resume()
    }
}

/// The app's HTTP stack: URLSession, honouring the request's timeouts.
final class SessionTransport: HttpTransport, @unchecked Sendable {
    let calls = Counter()

    func get(request: HttpRequest) async throws -> HttpResponse {
        _ = calls.next()
        guard let url = URL(string: request.url) else { throw TransportError.Other(detail: "bad URL \(request.url)") }
        var urlRequest = URLRequest(url: url)
        urlRequest.timeoutInterval = Double(request.connectTimeoutMs + request.readTimeoutMs) / 1000
        do {
            let (data, response) = try await fetch(urlRequest)
            var headers: [String: String] = [:]
            for (name, value) in response.allHeaderFields {
                headers["\(name)"] = "\(value)"
            }
            return HttpResponse(status: Int32(response.statusCode), headers: headers, body: String(decoding: data, as: UTF8.self))
        } catch let error as URLError {
            switch error.code {
            case .timedOut: throw TransportError.ReadTimeout
            case .notConnectedToInternet: throw TransportError.Offline
            default: throw TransportError.Other(detail: "\(error)")
            }
        }
    }
}

/// The app's store, in memory.
final class MemoryStore: KeyValueStore, @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: String] = [:]
    func get(key: String) throws -> String? { lock.lock(); defer { lock.unlock() }; return values[key] }
    func put(key: String, value: String) throws { lock.lock(); defer { lock.unlock() }; values[key] = value }
    var count: Int { lock.lock(); defer { lock.unlock() }; return values.count }
}

/// The app's store in files: what survives the process.
final class FileStore: KeyValueStore, @unchecked Sendable {
    let dir: URL
    init(_ dir: URL) { self.dir = dir }
    private func file(_ key: String) -> URL { dir.appendingPathComponent(key) }
    func get(key: String) throws -> String? { try? String(contentsOf: file(key), encoding: .utf8) }
    func put(key: String, value: String) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try value.write(to: file(key), atomically: true, encoding: .utf8)
    }
}

/// The app's scheduler: `Task.sleep`, cancelled when an event comes first.
final class TaskScheduler: TrackerScheduler, @unchecked Sendable {
    func sleep(millis: Int64) async throws {
        try await Task.sleep(nanoseconds: UInt64(max(0, millis)) * 1_000_000)
    }
}

/// Records every progress update.
final class Recorder: StatusListener, @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [TrackerProgress] = []
    func onProgress(progress: TrackerProgress) throws { lock.lock(); defer { lock.unlock() }; seen.append(progress) }
    var phases: [Phase] { lock.lock(); defer { lock.unlock() }; return seen.map { $0.phase } }
}

/// The scripted backend started by xtask (`tests/backend`).
enum Backend {
    static let url: String = ProcessInfo.processInfo.environment["APPSWITCH_TEST_BACKEND"] ?? "http://127.0.0.1:1"

    static func script(_ order: String, _ steps: String...) async throws {
        var request = URLRequest(url: URL(string: "\(url)/script/\(order)")!)
        request.httpMethod = "PUT"
        request.httpBody = "[\(steps.joined(separator: ","))]".data(using: .utf8)
        let (_, response) = try await fetch(request)
        try check(response.statusCode == 204, "scripting \(order): \(response.statusCode)")
    }

    static func requests(_ order: String) async throws -> Int {
        let (data, _) = try await fetch(URLRequest(url: URL(string: "\(url)/requests/\(order)")!))
        return String(decoding: data, as: UTF8.self).components(separatedBy: "\"atMs\"").count - 1
    }

    static func statusUrl(_ order: String) -> String { "\(url)/status/\(order)" }

    /// The return check, as the app is configured with it.
    static var returnCheckUrl: String { "\(url)/return/{orderId}" }

    /// The fallback the backend builds for `order` (keeping its nonce as the
    /// return token): its URL. A newer one makes this one stale.
    static func fallback(_ order: String, base: String = "merchantapp://result") async throws -> String {
        var request = URLRequest(url: URL(string: "\(url)/fallback/\(order)")!)
        request.httpMethod = "POST"
        request.httpBody = "{\"base\":\"\(base)\",\"kind\":\"app\"}".data(using: .utf8)
        let (data, response) = try await fetch(request)
        try check(response.statusCode == 200, "fallback for \(order): \(response.statusCode)")
        let answer = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        guard let built = answer?["url"] as? String else { throw Failure(description: "fallback for \(order): no url") }
        return built
    }

    /// How many return checks the backend was asked for `order`.
    static func checks(_ order: String) async throws -> Int {
        let (data, _) = try await fetch(URLRequest(url: URL(string: "\(url)/checks/\(order)")!))
        return Int(String(decoding: data, as: UTF8.self)) ?? -1
    }
}

func doc(_ order: String, _ status: String, final: Bool, reserved: Int = 0, cancelledBy: String? = nil) -> String {
    let by = cancelledBy.map { ",\"cancelledBy\":\"\($0)\"" } ?? ""
    let body = "{\"version\":1,\"orderId\":\"\(order)\",\"provider\":\"vipps\",\"status\":\"\(status)\",\"final\":\(final),\"amounts\":{\"reserved\":\(reserved)}\(by)}"
    return "{\"status\":200,\"body\":\(body)}"
}

func httpError(_ status: Int, retryAfter: String? = nil) -> String {
    let headers = retryAfter.map { ",\"headers\":{\"Retry-After\":\"\($0)\"}" } ?? ""
    return "{\"status\":\(status)\(headers)}"
}

private let orderCounter = Counter()

func orderId(_ prefix: String) -> String { "\(prefix)-\(ProcessInfo.processInfo.processIdentifier % 10000)-\(orderCounter.next())" }

func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

/// Short timings, so that the suite is fast; the rules are the core's.
func fastPolicy(firstPollAfterMs: Int64 = 50, paymentWindowMs: Int64? = nil, graceMs: Int64? = nil) -> TrackingPolicy {
    let p = vippsPolicy()
    return TrackingPolicy(
        firstPollAfterMs: firstPollAfterMs, pollIntervalMs: 50, whileHiddenIntervalMs: nil,
        connectTimeoutMs: p.connectTimeoutMs, readTimeoutMs: p.readTimeoutMs, longPollMs: nil,
        rateCap: 1000, rateWindowMs: p.rateWindowMs, backoffBaseMs: 50, backoffMaxMs: 200,
        deeplinkValidityMs: p.deeplinkValidityMs, paymentWindowMs: paymentWindowMs ?? p.paymentWindowMs,
        graceMs: graceMs ?? p.graceMs, returnDebounceMs: 20, maxBadAnswers: p.maxBadAnswers
    )
}

/// One attempt from an iOS app with an app-scheme fallback.
struct Setup {
    let order: String
    let fallback: Fallback
    let deeplink: Deeplink
    let attempt: PaymentAttempt
    var returnUrl: String { "\(fallback.url)&status=301" }

    init(_ prefix: String) throws {
        order = orderId(prefix)
        fallback = try buildFallback(spec: FallbackSpec(platform: .ios, target: .app(base: "merchantapp://result"), orderId: order, params: []))
        deeplink = try classifyDeeplink(url: "vippsMT://?token=test-\(order)", receivedAtMs: nowMs())
        attempt = PaymentAttempt(orderId: order, statusUrl: Backend.statusUrl(order), initiatedAtMs: deeplink.deadlines.receivedAt, deeplink: deeplink, expectation: fallback.expectation)
    }

    func tracker(store: KeyValueStore = MemoryStore(), listener: StatusListener? = nil, policy: TrackingPolicy = fastPolicy(),
                 transport: HttpTransport = SessionTransport(), scheduler: TrackerScheduler = TaskScheduler()) throws -> PaymentTracker {
        try PaymentTracker(attempt: attempt, transport: transport, store: store, scheduler: scheduler, listener: listener, policy: policy)
    }
}

func isSuccess(_ outcome: Outcome) -> Bool {
    if case .success = outcome { return true }
    return false
}
