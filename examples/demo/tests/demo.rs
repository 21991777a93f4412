//! The demo binary as xtask and a person use it: one line on stdout, the
//! shop's static files, and a whole payment over HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

struct Demo {
    child: Child,
    url: String,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Demo {
    let data = std::env::temp_dir().join(format!(
        "appswitch-demo-data-{}-{}",
        std::process::id(),
        args.len()
    ));
    let mut child = Command::new(env!("CARGO_BIN_EXE_appswitch-demo"))
        .args(args)
        .arg("--data-dir")
        .arg(&data)
        .env_remove("VIPPS_BASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    Demo { child, url }
}

async fn get_json(http: &reqwest::Client, url: &str) -> Value {
    http.get(url).send().await.unwrap().json().await.unwrap()
}

async fn checkout(http: &reqwest::Client, demo: &Demo, basket: &str, amount: u64) -> Value {
    http.post(format!("{}/api/checkout", demo.url))
        .json(&json!({"basketId": basket, "amount": amount}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_demo_serves_the_shop_and_a_whole_payment() {
    let dir = std::env::temp_dir().join(format!("appswitch-demo-test-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(dir.join("index.html"), "<h1>the shop page</h1>").unwrap();
    std::fs::write(dir.join("return.html"), "<h1>the return page</h1>").unwrap();
    std::fs::write(dir.join("assets/app.js"), "console.log('hi')").unwrap();
    let mut demo = start(&["--static-dir", dir.to_str().unwrap()]);
    let http = client();
    let get = |path: &str| http.get(format!("{}{path}", demo.url)).send();
    assert!(
        get("/")
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("the shop page")
    );
    assert!(
        get("/assets/app.js")
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("console.log")
    );

    let c = checkout(&http, &demo, "demo-basket", 20000).await;
    let landing = c["url"].as_str().unwrap();
    assert_eq!(
        http.get(landing).send().await.unwrap().status().as_u16(),
        200
    );
    let sim = landing.split("/dwo-api").next().unwrap();
    let token = landing.rsplit("token=").next().unwrap();
    let r = http
        .post(format!("{sim}/landing/decide"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={token}&choice=approve"))
        .send()
        .await
        .unwrap();
    let back = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        back.starts_with(&format!("{}/return?orderId=", demo.url)),
        "{back}"
    );
    assert!(
        http.get(&back)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("the return page")
    );
    let status: Value = get_json(
        &http,
        &format!("{}?wait=5", c["statusUrl"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status["status"], "reserved");
    let order: Value = get_json(
        &http,
        &format!("{sim}/_sim/orders/{}", c["orderId"].as_str().unwrap()),
    )
    .await;
    assert_eq!(order["record"]["callbacks"][0]["outcome"], "delivered");

    // Exactly one line on stdout.
    let _ = demo.child.kill();
    let mut rest = String::new();
    demo.child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut rest)
        .unwrap();
    assert_eq!(rest, "");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_time_scale_and_fault_flags_reach_the_simulator() {
    let demo = start(&["--time-scale", "6000", "--drop-callbacks"]);
    let http = client();
    let c = checkout(&http, &demo, "demo-fast", 100).await;
    // Ten simulated minutes pass in a tenth of a real second.
    let mut status = Value::Null;
    for _ in 0..50 {
        status = get_json(
            &http,
            &format!("{}?wait=1", c["statusUrl"].as_str().unwrap()),
        )
        .await;
        if status["final"] == true {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status["status"], "rejected");
    let sim = c["url"]
        .as_str()
        .unwrap()
        .split("/dwo-api")
        .next()
        .unwrap()
        .to_string();
    let order: Value = get_json(
        &http,
        &format!("{sim}/_sim/orders/{}", c["orderId"].as_str().unwrap()),
    )
    .await;
    assert_eq!(order["record"]["callbacks"][0]["outcome"], "dropped");
}
