// What the app hands appswitch: URLSession, UserDefaults (nothing secret is
// stored: the order id, the attempt's nonce and what the tracker knew) and
// Task.sleep.
import AppSwitch
import Foundation

final class URLSessionTransport: HttpTransport, @unchecked Sendable {
    func get(request: HttpRequest) async throws -> HttpResponse {
        guard let url = URL(string: request.url) else { throw TransportError.Other(detail: "bad URL") }
        var urlRequest = URLRequest(url: url)
        urlRequest.timeoutInterval = Double(request.connectTimeoutMs + request.readTimeoutMs) / 1000
        do {
            let (data, response) = try await URLSession.shared.data(for: urlRequest)
            guard let http = response as? HTTPURLResponse else { throw TransportError.Other(detail: "not HTTP") }
            var headers: [String: String] = [:]
            for (name, value) in http.allHeaderFields { headers["\(name)"] = "\(value)" }
            return HttpResponse(status: Int32(http.statusCode), headers: headers, body: String(decoding: data, as: UTF8.self))
        } catch let error as URLError {
            switch error.code {
            case .timedOut: throw TransportError.ReadTimeout
            case .notConnectedToInternet, .networkConnectionLost: throw TransportError.Offline
            default: throw TransportError.Other(detail: error.localizedDescription)
            }
        }
    }
}

final class DefaultsStore: KeyValueStore, @unchecked Sendable {
    func get(key: String) throws -> String? { UserDefaults.standard.string(forKey: key) }
    func put(key: String, value: String) throws { UserDefaults.standard.set(value, forKey: key) }
}

final class TaskScheduler: TrackerScheduler, @unchecked Sendable {
    func sleep(millis: Int64) async throws {
        try await Task.sleep(nanoseconds: UInt64(max(0, millis)) * 1_000_000)
    }
}

/// The merchant's own backend (it holds the provider keys and initiates):
/// the demo backend's API (`examples/backend`). It builds the fallback URL for
/// the app's scheme, initiates with `isApp: true`, and sends back the return
/// expectation that recognises the shopper's return.
struct MerchantApi {
    let base: URL

    /// The backend's return check (`GET …/api/payments/{orderId}/return?attempt=…`),
    /// for `resumePending` when the app is launched by a return URL with nothing stored.
    var returnCheckUrl: String { base.absoluteString + "/api/payments/{orderId}/return" }

    struct Checkout {
        let orderId: String
        /// The `vipps://` deeplink (or the landing page).
        let url: String
        let statusUrl: String
        let expectation: ReturnExpectation
    }

    /// `POST {base}/api/checkout {"basketId", "amount", "platform": "ios",
    /// "fallback": {"kind": "app", "base": returnUrl}}` →
    /// `{"orderId", "url", "statusUrl", "returnExpectation", …}`.
    func checkout(basketId: String, amountOre: Int64, returnUrl: String) async throws -> Checkout {
        var request = URLRequest(url: base.appendingPathComponent("api/checkout"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: [
            "basketId": basketId, "amount": amountOre, "platform": "ios",
            "fallback": ["kind": "app", "base": returnUrl],
        ])
        let (data, _) = try await URLSession.shared.data(for: request)
        guard let answer = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let orderId = answer["orderId"] as? String,
              let url = answer["url"] as? String,
              let statusUrl = answer["statusUrl"] as? String,
              let expectation = answer["returnExpectation"] else {
            throw URLError(.cannotParseResponse)
        }
        let expectationJson = String(decoding: try JSONSerialization.data(withJSONObject: expectation), as: UTF8.self)
        return Checkout(orderId: orderId, url: url, statusUrl: statusUrl,
                        expectation: try ReturnExpectation.fromJson(json: expectationJson))
    }
}
