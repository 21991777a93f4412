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

/// The merchant's own backend (it holds the provider keys and initiates).
struct MerchantApi {
    let base: URL

    struct Initiated: Decodable {
        let url: String
        let statusUrl: String
    }

    /// `POST {base}/api/payments {"orderId", "fallBack", "isApp"}` → `{"url", "statusUrl"}`.
    func initiate(orderId: String, fallBack: String, isApp: Bool) async throws -> Initiated {
        var request = URLRequest(url: base.appendingPathComponent("api/payments"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: ["orderId": orderId, "fallBack": fallBack, "isApp": isApp])
        let (data, _) = try await URLSession.shared.data(for: request)
        return try JSONDecoder().decode(Initiated.self, from: data)
    }
}
