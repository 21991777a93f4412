// The payment flow: fallback → the merchant's initiate → deeplink → open plan
// → track until settled. Every rule is appswitch's; this file only wires the
// app's pieces to it.
import AppSwitch
import Foundation
import UIKit

/// The app's URL scheme (CFBundleURLTypes in Info.plist).
let returnUrl = "merchantapp://result"

@MainActor
final class CheckoutModel: ObservableObject {
    @Published var message = "Ready"
    @Published private(set) var tracker: PaymentTracker?
    private let api: MerchantApi
    private let transport = URLSessionTransport()
    private let store = DefaultsStore()
    private let scheduler = TaskScheduler()
    /// The shopper's language, for appswitch's texts.
    private let language = Locale.preferredLanguages.first ?? "en"

    init(api: MerchantApi) { self.api = api }

    /// Cold start: the app may have been killed while the shopper was in the
    /// payment app, or launched by the return URL with nothing stored (its data
    /// cleared, a reinstall): the backend's return check vouches for the
    /// attempt the URL names, and a forged or stale link is refused.
    func resumeIfPending(returnURL: URL? = nil) async {
        guard tracker == nil else { return }
        do {
            if let resumed = try await resumePending(transport: transport, store: store, scheduler: scheduler,
                                                     listener: ProgressListener(model: self), returnUrl: returnURL?.absoluteString,
                                                     returnCheckUrl: api.returnCheckUrl) {
                follow(resumed)
            }
        } catch TrackerError.ReturnRefused {
            message = "This link does not belong to a payment in this app. Nothing was charged by opening it."
        } catch TrackerError.ReturnCheckFailed {
            message = outcomeText(outcome: .unknown(reason: .backendUnreachable), languageTag: language, app: "Vipps").detail
        } catch {
            message = "Could not resume the payment: \(error)"
        }
    }

    func pay() async {
        do {
            let checkout = try await api.checkout(basketId: "basket-42", amountOre: 20000, returnUrl: returnUrl)
            let deeplink = try classifyDeeplink(url: checkout.url, receivedAtMs: Int64(Date().timeIntervalSince1970 * 1000))
            let attempt = PaymentAttempt(orderId: checkout.orderId, statusUrl: checkout.statusUrl, initiatedAtMs: deeplink.deadlines.receivedAt,
                                         deeplink: deeplink, expectation: checkout.expectation)
            let tracker = try PaymentTracker(attempt: attempt, transport: transport, store: store, scheduler: scheduler,
                                             listener: ProgressListener(model: self))
            if await open(try openPlan(deeplink: deeplink, platform: .ios)) {
                tracker.onSwitchedOut()
            } else {
                tracker.stop()
            }
            follow(tracker)
        } catch {
            message = "The payment could not start: \(error)"
        }
    }

    /// Opens the payment app, or its App Store page, or the landing page.
    private func open(_ plan: OpenPlan) async -> Bool {
        switch plan {
        case let .iosOpenApp(url, _, appStoreUrl):
            // `queryScheme` must be listed under LSApplicationQueriesSchemes.
            if let app = URL(string: url), UIApplication.shared.canOpenURL(app) {
                return await UIApplication.shared.open(app)
            }
            if let store = appStoreUrl.flatMap(URL.init(string:)) { await UIApplication.shared.open(store) }
            message = "Install the payment app, then try again."
            return false
        case let .openLandingPage(url, _, _):
            guard let page = URL(string: url) else { return false }
            return await UIApplication.shared.open(page)
        case .startNewAttempt:
            message = "The payment link expired; please try again."
            return false
        case .androidViewIntent:
            return false
        }
    }

    private func follow(_ tracker: PaymentTracker) {
        self.tracker = tracker
        Task {
            do {
                let outcome = try await tracker.awaitSettled()
                message = outcomeText(outcome: outcome, languageTag: language, app: "Vipps").title
                _ = try? forgetPending(store: store, orderId: tracker.orderId())
            } catch {
                message = "We could not confirm the payment: \(error)"
            }
            self.tracker = nil
        }
    }

    /// `onOpenURL`: the payment app sent the shopper back.
    func handleReturn(_ url: URL) {
        guard let tracker = tracker else {
            Task { await resumeIfPending(returnURL: url) } // launched by the return URL
            return
        }
        _ = try? tracker.handleReturn(url: url.absoluteString) // a stale link changes nothing
    }
}

/// Shows each status change (called on the thread that polls the tracker).
final class ProgressListener: StatusListener, @unchecked Sendable {
    private weak var model: CheckoutModel?
    init(model: CheckoutModel) { self.model = model }
    func onProgress(progress: TrackerProgress) throws {
        Task { @MainActor [weak model] in model?.message = "Checking the payment… (\(progress.phase))" }
    }
}
