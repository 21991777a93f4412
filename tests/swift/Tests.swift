// The scenarios of tests/kotlin, in Swift: typed errors for bad arguments,
// outcomes and request counts against a real HTTP server, cold starts from
// the same store, and host callbacks that throw.
import Foundation

func argumentTests() {
    test("checkUrl and buildFallback: warnings and typed refusals") {
        try expectEq(try checkUrl(kind: .callback, url: "https://shop.example.no:8443/cb").map { $0.rule }, ["uncommon-callback-port"], "warnings")
        try await expectThrows("localhost", { try checkUrl(kind: .web, url: "https://localhost/return") }) {
            if let e = $0 as? UrlError, case .InvalidUrl(let field, let rule, _) = e { return field == "url" && rule == "localhost" }
            return false
        }
        try await expectThrows("INTENT on iOS", {
            try buildFallback(spec: FallbackSpec(platform: .ios, target: .androidIntent, orderId: "shop-1", params: []))
        }) { if let e = $0 as? UrlError, case .IntentOnlyOnAndroid = e { return true }; return false }
        let fb = try buildFallback(spec: FallbackSpec(platform: .ios, target: .app(base: "merchantapp://result"), orderId: "shop-2", params: []))
        try check(fb.url.hasPrefix("merchantapp://result?orderId=shop-2&attempt="), fb.url)
        try expectEq(try fb.expectation.checkReturn(url: "\(fb.url)&status=301").via, .appLink, "via")
    }

    test("a return expectation from the backend's JSON (POST /api/checkout)") {
        let nonce = String(repeating: "ab", count: 16)
        let json = "{\"orderId\":\"shop-7\",\"nonce\":\"\(nonce)\",\"target\":{\"kind\":\"app\",\"scheme\":\"merchantapp\",\"host\":\"result\",\"path\":\"/\"}}"
        let expectation = try ReturnExpectation.fromJson(json: json)
        try expectEq(try expectation.checkReturn(url: "merchantapp://result?orderId=shop-7&attempt=\(nonce)&status=RESERVE").orderId, "shop-7", "order")
        try await expectThrows("not an expectation", { try ReturnExpectation.fromJson(json: "{\"orderId\":1}") }) {
            if let e = $0 as? TrackerError, case .InvalidArgument(let field, _) = e { return field == "returnExpectation" }
            return false
        }
    }

    test("classifyDeeplink and openPlan on iOS") {
        let now = nowMs()
        let link = try classifyDeeplink(url: "vipps://?token=abc", receivedAtMs: now)
        try expectEq(link.kind, .app, "kind")
        guard case .iosOpenApp(let url, let scheme, let store) = try openPlan(deeplink: link, platform: .ios, nowMs: now) else {
            throw Failure(description: "not an iOS plan")
        }
        try expectEq(url, "vipps://?token=abc", "url")
        try expectEq(scheme, "vipps", "LSApplicationQueriesSchemes")
        try check(store != nil, "App Store page")
        try expectEq(try openPlan(deeplink: link, platform: .ios, nowMs: now + 301_000), .startNewAttempt(expiredAt: link.deadlines.linkValidUntil), "expired")
    }

    test("bad arguments give typed errors") {
        try await expectThrows("empty deeplink", { try classifyDeeplink(url: "", receivedAtMs: 0) }) {
            if let e = $0 as? DeeplinkError, case .Empty = e { return true }; return false
        }
        try await expectThrows("negative time", { try classifyDeeplink(url: "vipps://?token=a", receivedAtMs: -1) }) {
            if let e = $0 as? DeeplinkError, case .InvalidArgument(let field, _) = e { return field == "receivedAtMs" }; return false
        }
        let s = try Setup("args")
        var negative = fastPolicy()
        negative = TrackingPolicy(firstPollAfterMs: negative.firstPollAfterMs, pollIntervalMs: -1, whileHiddenIntervalMs: nil,
                                  connectTimeoutMs: negative.connectTimeoutMs, readTimeoutMs: negative.readTimeoutMs, longPollMs: nil,
                                  rateCap: negative.rateCap, rateWindowMs: negative.rateWindowMs, backoffBaseMs: negative.backoffBaseMs,
                                  backoffMaxMs: negative.backoffMaxMs, deeplinkValidityMs: negative.deeplinkValidityMs,
                                  paymentWindowMs: negative.paymentWindowMs, graceMs: negative.graceMs,
                                  returnDebounceMs: negative.returnDebounceMs, maxBadAnswers: negative.maxBadAnswers)
        try await expectThrows("negative interval", { try s.tracker(policy: negative) }) {
            if let e = $0 as? TrackerError, case .InvalidArgument(let field, _) = e { return field == "policy.pollIntervalMs" }; return false
        }
        let other = PaymentAttempt(orderId: "another-order", statusUrl: s.attempt.statusUrl, initiatedAtMs: s.attempt.initiatedAtMs,
                                   deeplink: s.deeplink, expectation: s.fallback.expectation)
        try await expectThrows("order mismatch", {
            try PaymentTracker(attempt: other, transport: SessionTransport(), store: MemoryStore(), scheduler: TaskScheduler())
        }) { if let e = $0 as? TrackerError, case .OrderMismatch = e { return true }; return false }
    }
}

func trackerTests() {
    test("success: polls on schedule until reserved") {
        let s = try Setup("ok")
        try await Backend.script(s.order, doc(s.order, "initiated", final: false), doc(s.order, "reserved", final: true, reserved: 20000))
        let recorder = Recorder()
        let t = try s.tracker(listener: recorder)
        t.onSwitchedOut()
        guard case .success(let status) = try await t.awaitSettled() else { throw Failure(description: "not a success") }
        try expectEq(status.reserved, 20000, "reserved øre")
        try expectEq(try await Backend.requests(s.order), 2, "requests")
        try expectEq(recorder.phases.last, Phase.settled, "last phase")
    }

    test("cancel and reject") {
        let c = try Setup("cancel")
        try await Backend.script(c.order, doc(c.order, "cancelled", final: true, cancelledBy: "user"))
        let ct = try c.tracker()
        ct.onSwitchedOut()
        try expectEq(try await ct.awaitSettled(), .cancelled(by: .user), "cancelled")
        let r = try Setup("reject")
        try await Backend.script(r.order, doc(r.order, "rejected", final: true))
        let rt = try r.tracker()
        rt.onSwitchedOut()
        try expectEq(try await rt.awaitSettled(), .rejected, "rejected")
    }

    test("429 with Retry-After and 503: backs off, then settles") {
        let s = try Setup("backoff")
        try await Backend.script(s.order, httpError(429, retryAfter: "1"), httpError(503), doc(s.order, "reserved", final: true))
        let recorder = Recorder()
        let t = try s.tracker(listener: recorder)
        t.onSwitchedOut()
        try check(isSuccess(try await t.awaitSettled()), "outcome")
        try expectEq(try await Backend.requests(s.order), 3, "requests")
        try check(recorder.phases.contains(.backingOff), "phases \(recorder.phases)")
    }

    test("a return URL before the first poll checks at once") {
        let s = try Setup("early")
        try await Backend.script(s.order, doc(s.order, "reserved", final: true))
        let t = try s.tracker(policy: fastPolicy(firstPollAfterMs: 60_000))
        t.onSwitchedOut()
        try expectEq(try t.handleReturn(url: s.returnUrl).via, .appLink, "via")
        try check(isSuccess(try await t.awaitSettled()), "outcome")
        try expectEq(try await Backend.requests(s.order), 1, "requests")
    }

    test("awaitSettled from two tasks, and again: one run, one outcome") {
        let s = try Setup("twice")
        try await Backend.script(s.order, doc(s.order, "initiated", final: false), doc(s.order, "reserved", final: true))
        let t = try s.tracker()
        t.onSwitchedOut()
        async let a = t.awaitSettled()
        async let b = t.awaitSettled()
        let (x, y) = try await (a, b)
        try expectEq(x, y, "both callers")
        try expectEq(try await t.awaitSettled(), x, "again")
        try expectEq(try await Backend.requests(s.order), 2, "requests")
    }

    test("stop() settles on what is known") {
        let s = try Setup("stop")
        try await Backend.script(s.order, doc(s.order, "initiated", final: false))
        let t = try s.tracker(policy: fastPolicy(firstPollAfterMs: 60_000))
        t.onSwitchedOut()
        t.stop()
        try expectEq(try await t.awaitSettled(), .unknown(reason: .stopped), "outcome")
    }
}

func coldStartTests() {
    test("cold start with the return URL resumes that attempt from the store") {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("appswitch-\(orderId("dir"))")
        let s = try Setup("cold")
        try await Backend.script(s.order, doc(s.order, "initiated", final: false))
        let first = try s.tracker(store: FileStore(dir))
        first.onSwitchedOut()
        let running = Task { try await first.awaitSettled() }
        try await waitUntil("the first poll") { try await Backend.requests(s.order) >= 1 }
        running.cancel() // the process dies
        try await Backend.script(s.order, doc(s.order, "reserved", final: true, reserved: 12300))
        guard let resumed = try await resumePending(transport: SessionTransport(), store: FileStore(dir), scheduler: TaskScheduler(), returnUrl: s.returnUrl) else {
            throw Failure(description: "nothing resumed")
        }
        try expectEq(resumed.orderId(), s.order, "order")
        guard case .success(let status) = try await resumed.awaitSettled() else { throw Failure(description: "not a success") }
        try expectEq(status.reserved, 12300, "reserved")
        try check(try await resumePending(transport: SessionTransport(), store: FileStore(dir), scheduler: TaskScheduler()) == nil, "nothing unsettled")
        try expectEq(try forgetPending(store: FileStore(dir), orderId: s.order), true, "forgotten")
    }
}

/// An app cold-started by the return URL with nothing stored: resumePending
/// asks the backend's return check and tracks the payment it vouches for; a
/// forged or stale token is refused and changes nothing.
func returnCheckTests() {
    test("a cold start by the return URL with an empty store resumes from the URL and tracks to the outcome") {
        let order = orderId("from-url")
        let returnUrl = try await Backend.fallback(order) + "&status=RESERVE"
        try await Backend.script(order, doc(order, "initiated", final: false), doc(order, "reserved", final: true, reserved: 15000))
        let store = MemoryStore()
        guard let t = try await resumePending(transport: SessionTransport(), store: store, scheduler: TaskScheduler(),
                                              returnUrl: returnUrl, returnCheckUrl: Backend.returnCheckUrl, policy: fastPolicy()) else {
            throw Failure(description: "nothing resumed")
        }
        try expectEq(t.orderId(), order, "order")
        guard case .success(let status) = try await t.awaitSettled() else { throw Failure(description: "not a success") }
        try expectEq(status.reserved, 15000, "reserved")
        try expectEq(try await Backend.checks(order), 1, "one return check")
        try expectEq(store.count, 1, "stored")
    }

    test("a forged or stale return token with an empty store is refused; nothing is stored") {
        let order = orderId("forged-url")
        let stale = try await Backend.fallback(order)
        let current = try await Backend.fallback(order)
        try await Backend.script(order, doc(order, "reserved", final: true))
        let store = MemoryStore()
        let forged = current.replacingOccurrences(of: #"attempt=[0-9a-f]+"#, with: "attempt=" + String(repeating: "0", count: 32), options: .regularExpression)
        for url in [forged, stale] {
            try await expectThrows(url, {
                try await resumePending(transport: SessionTransport(), store: store, scheduler: TaskScheduler(),
                                        returnUrl: url, returnCheckUrl: Backend.returnCheckUrl)
            }) {
                if let e = $0 as? TrackerError, case .ReturnRefused = e { return true }; return false
            }
        }
        try expectEq(store.count, 0, "nothing stored")
        try expectEq(try await Backend.requests(order), 0, "no status request")
    }
}

final class FlakyTransport: HttpTransport, @unchecked Sendable {
    let thrown = Counter()
    let inner = SessionTransport()
    func get(request: HttpRequest) async throws -> HttpResponse {
        switch thrown.next() {
        case 0: throw NSError(domain: "boom", code: 1)
        case 1: throw TransportError.ReadTimeout
        default: return try await inner.get(request: request)
        }
    }
}

final class ThrowingStore: KeyValueStore, @unchecked Sendable {
    func get(key: String) throws -> String? { nil }
    func put(key: String, value: String) throws { throw NSError(domain: "disk full", code: 28) }
}

final class BrokenScheduler: TrackerScheduler, @unchecked Sendable {
    func sleep(millis: Int64) async throws { throw NSError(domain: "no timers here", code: 1) }
}

func hostFailureTests() {
    test("a transport that throws is a transport failure: backoff, then success") {
        let s = try Setup("throws")
        try await Backend.script(s.order, doc(s.order, "reserved", final: true))
        let transport = FlakyTransport()
        let t = try s.tracker(transport: transport)
        t.onSwitchedOut()
        try check(isSuccess(try await t.awaitSettled()), "outcome")
        try expectEq(transport.thrown.value, 3, "two throws, then the real request")
    }

    test("a store that throws is a typed error") {
        let s = try Setup("store")
        try await expectThrows("put throws", { try s.tracker(store: ThrowingStore()) }) {
            if let e = $0 as? TrackerError, case .StoreFailed = e { return true }; return false
        }
    }

    test("a scheduler that throws ends awaitSettled with a typed error") {
        let s = try Setup("sched")
        try await Backend.script(s.order, doc(s.order, "initiated", final: false))
        let t = try s.tracker(scheduler: BrokenScheduler())
        t.onSwitchedOut()
        try await expectThrows("sleep throws", { try await t.awaitSettled() }) {
            if let e = $0 as? TrackerError, case .SchedulerFailed = e { return true }; return false
        }
    }
}
