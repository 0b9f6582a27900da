//! The real `ebb` binary killed with SIGKILL: a snooze expiry that passes while it is down
//! fires when it starts again, and one due later fires on time, each exactly once.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

struct Ebb {
    child: Child,
    base: String,
}

impl Drop for Ebb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

async fn start(data: &std::path::Path, port: u16) -> Ebb {
    let child = Command::new(env!("CARGO_BIN_EXE_ebb"))
        .args(["serve", "--demo", "--test-clock", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn ebb");
    let ebb = Ebb {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    for _ in 0..200 {
        if let Ok(r) = reqwest::get(format!("{}/readyz", ebb.base)).await
            && r.status().is_success()
        {
            return ebb;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("ebb did not become ready");
}

async fn call(
    base: &str,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Value,
) -> Value {
    let client = reqwest::Client::new();
    let mut req = client.request(method, format!("{base}{path}")).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status();
    let value: Value = resp.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{path}: {status} {value}");
    value
}

async fn wait_woken(base: &str, token: &str, id: &str) -> Value {
    for _ in 0..200 {
        let path = format!("/api/v1/expert/conversations/{id}");
        let client = reqwest::Client::new();
        let read: Value = client
            .get(format!("{base}{path}"))
            .bearer_auth(token)
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        if read["conversation"]["state"]["wake"] == "snooze_expired" {
            return read;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("conversation {id} did not wake");
}

fn woken_count(read: &Value) -> usize {
    read["entries"]
        .as_array()
        .map_or(0, |e| e.iter().filter(|x| x["type"] == "woken").count())
}

#[tokio::test]
async fn snooze_expiries_survive_kill_9() {
    ebb_server::install_crypto_provider();
    use reqwest::Method;
    let data = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let ebb = start(data.path(), port).await;
    let b = ebb.base.clone();
    let login = json!({"brand": "demo", "email": "ada@demo.ebb", "password": "ebb-demo"});
    let ada = call(&b, Method::POST, "/api/v1/auth/login", None, login.clone()).await;
    let ada = ada["token"].as_str().expect("token").to_owned();
    let mut ids = Vec::new();
    for i in 0..2 {
        let v = call(
            &b,
            Method::POST,
            "/api/v1/widget/demo/visitors",
            None,
            Value::Null,
        )
        .await;
        let v = v["token"].as_str().expect("token").to_owned();
        let body = json!({"body": format!("question {i}")});
        let started = call(
            &b,
            Method::POST,
            "/api/v1/widget/demo/conversations",
            Some(&v),
            body,
        )
        .await;
        ids.push(
            started["conversation"]["id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    let now = call(&b, Method::GET, "/api/v1/test/clock", None, Value::Null).await;
    let now = time::OffsetDateTime::parse(
        now["now"].as_str().expect("now"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("parse");
    let soon = (now + time::Duration::seconds(2))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("fmt");
    let snoozes = [
        json!({"kind": "until", "until": soon}),
        json!({"kind": "three_hours"}),
    ];
    for (id, choice) in ids.iter().zip(snoozes) {
        let path = format!("/api/v1/expert/conversations/{id}/snooze");
        call(
            &b,
            Method::POST,
            &path,
            Some(&ada),
            json!({"choice": choice}),
        )
        .await;
    }

    // SIGKILL: no graceful anything. The first expiry passes while it is down.
    drop(ebb);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let ebb = start(data.path(), port).await;
    let b = ebb.base.clone();
    let first = wait_woken(&b, &ada, &ids[0]).await;
    assert_eq!(woken_count(&first), 1);

    // The later one fires on time once the (persisted) test clock passes it.
    call(
        &b,
        Method::POST,
        "/api/v1/test/clock/advance",
        None,
        json!({"seconds": 3 * 3600}),
    )
    .await;
    let second = wait_woken(&b, &ada, &ids[1]).await;
    assert_eq!(woken_count(&second), 1);
    drop(ebb);
    let ebb = start(data.path(), port).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let path = format!("/api/v1/expert/conversations/{}", ids[0]);
    let again = call(&ebb.base, Method::GET, &path, Some(&ada), Value::Null).await;
    assert_eq!(woken_count(&again), 1, "fired exactly once across restarts");
}
