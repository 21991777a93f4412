// A SwiftUI app that pays with the payment app and shows the truth
// afterwards: the return URL (`onOpenURL`) and the scene phase go to the
// tracker, and a payment in flight when the app was killed is resumed.
import SwiftUI

@main
struct AppSwitchExampleApp: App {
    @StateObject private var checkout = CheckoutModel(api: MerchantApi(base: URL(string: "https://shop.example.no")!))
    @Environment(\.scenePhase) private var scenePhase

    var body: some Scene {
        WindowGroup {
            CheckoutView(checkout: checkout)
                .onOpenURL { url in checkout.handleReturn(url) }
                .task { await checkout.resumeIfPending() }
        }
        .onChange(of: scenePhase) { phase in
            switch phase {
            case .active: checkout.tracker?.onForeground()
            case .background: checkout.tracker?.onBackground()
            default: break
            }
        }
    }
}

struct CheckoutView: View {
    @ObservedObject var checkout: CheckoutModel

    var body: some View {
        VStack(spacing: 16) {
            Text(checkout.message).multilineTextAlignment(.center)
            Button("Pay 200 kr with Vipps") { Task { await checkout.pay() } }
                .disabled(checkout.tracker != nil)
        }
        .padding()
    }
}
