//! Every date a route takes, in its query or its body, refused clearly when malformed or
//! out of range (before 1970, from the year 9000 on): 400/422 problem+json, never a 500.

use reqwest::Method;
use serde_json::{Value, json};

use super::{Callers, assert_problem, document, send};
use crate::helpers::per_backend;

/// Malformed, impossible and out-of-range instants.
const BAD: &[&str] = &[
    "0000-01-01T00:00:00Z",
    "0001-01-01T00:00:00Z",
    "1969-12-31T23:59:59Z",
    "9000-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "2026-13-01T00:00:00Z",
    "2026-02-30T00:00:00Z",
    "2026-11-25T25:00:00Z",
    "2026-11-25T09:00:00+99:00",
    "2026-11-25",
    "99999-01-01T00:00:00Z",
    "not-a-date",
    "",
];

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Does `schema` (following `$ref`s) have a `date-time` string anywhere?
fn has_date_time(doc: &Value, schema: &Value, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return has_date_time(doc, &doc["components"]["schemas"][name], depth + 1);
    }
    if schema["format"] == "date-time" {
        return true;
    }
    match schema {
        Value::Object(map) => map.values().any(|v| has_date_time(doc, v, depth + 1)),
        Value::Array(items) => items.iter().any(|v| has_date_time(doc, v, depth + 1)),
        _ => false,
    }
}

/// `(method, path, date query parameters)` of an operation that takes dates in its query.
type QueryDates = (Method, String, Vec<String>);

/// `(method, path, date query parameters)` of each operation that takes a date in its
/// query, and `(method, path)` of each that takes one in its request body.
fn date_routes(doc: &Value) -> (Vec<QueryDates>, Vec<(String, String)>) {
    let (mut query, mut body) = (Vec::new(), Vec::new());
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            let Ok(m) = Method::from_bytes(method.to_uppercase().as_bytes()) else {
                continue;
            };
            let params: Vec<String> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["schema"]["format"] == "date-time")
                .map(|p| p["name"].as_str().expect("name").to_owned())
                .collect();
            if !params.is_empty() {
                query.push((m.clone(), path.clone(), params));
            }
            if has_date_time(doc, &op["requestBody"], 0) {
                body.push((m.to_string(), path.clone()));
            }
        }
    }
    (query, body)
}

/// The request body of each route that takes a date in its body, with `at` as that date.
fn dated_body(c: &Callers, path: &str, at: &str) -> Value {
    match path {
        "/api/v1/server/purchases" => json!({
            "order_id": "D-1", "visitor_id": c.visitor_id, "amount_minor": 100,
            "currency": "EUR", "purchased_at": at
        }),
        "/api/v1/expert/conversations/{id}/snooze" => {
            json!({"choice": {"kind": "until", "until": at}})
        }
        other => panic!("{other} takes a date in its body: add its request here"),
    }
}

per_backend! {
    async fn every_date_is_checked_on_every_route(app, b) {
        let c = Callers::new(&app).await;
        let doc = document();
        let (query, body) = date_routes(&doc);
        assert!(query.len() >= 7, "{b}: {query:?}");
        let bodies = ["/api/v1/expert/conversations/{id}/snooze", "/api/v1/server/purchases"];
        assert_eq!(
            body.iter().map(|(_, p)| p.as_str()).collect::<Vec<_>>(),
            bodies,
            "{b}: each route with a date in its body has a request in dated_body"
        );
        let scheme = |path: &str| {
            ebb_server::openapi::routes()
                .iter()
                .find(|r| r.path == path)
                .and_then(|r| r.audience.scheme())
        };
        for bad in BAD {
            for (method, path, params) in &query {
                for param in params {
                    let url = format!("{}?{param}={}", c.path(path), encode(bad));
                    let resp = send(&app, method.clone(), &url, c.token(scheme(path)), None).await;
                    assert_problem(resp, &format!("{b}: {method} {url}")).await;
                }
            }
            for (method, path) in &body {
                let req = dated_body(&c, path, bad);
                let m = Method::from_bytes(method.as_bytes()).expect("method");
                let resp = send(&app, m, &c.path(path), c.token(scheme(path)), Some(&req)).await;
                assert_problem(resp, &format!("{b}: {method} {path} with {bad:?}")).await;
            }
        }
    }
}
