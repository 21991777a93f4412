//! The control API answers CORS only for the configured origins (the
//! demo's own shop page), and never with credentials.

use appswitch_simulator::{SimConfig, Simulator};

async fn preflight(base: &str, origin: &str) -> reqwest::Response {
    reqwest::Client::new()
        .request(
            reqwest::Method::OPTIONS,
            format!("{base}/_sim/orders/x/faults"),
        )
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn only_the_configured_origin_may_call_the_control_api_from_a_page() {
    let sim = Simulator::start(SimConfig {
        control_origins: vec!["http://127.0.0.1:8080".into()],
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let ok = preflight(sim.base_url(), "http://127.0.0.1:8080").await;
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "http://127.0.0.1:8080"
    );
    assert!(
        ok.headers()
            .get("access-control-allow-credentials")
            .is_none()
    );
    for other in ["https://evil.example", "http://127.0.0.1:8081", "null"] {
        let r = preflight(sim.base_url(), other).await;
        assert!(
            r.headers().get("access-control-allow-origin").is_none(),
            "{other}"
        );
        let get = reqwest::Client::new()
            .get(format!("{}/_sim/orders", sim.base_url()))
            .header("Origin", other)
            .send()
            .await
            .unwrap();
        assert!(
            get.headers().get("access-control-allow-origin").is_none(),
            "{other}"
        );
    }

    let closed = Simulator::start(SimConfig::default()).await.unwrap();
    let r = preflight(closed.base_url(), "http://127.0.0.1:8080").await;
    assert!(
        r.headers().get("access-control-allow-origin").is_none(),
        "no origin is allowed unless configured"
    );
}
