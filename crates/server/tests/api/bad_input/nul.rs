//! A NUL character in any string a route takes (path, query or any field of its request
//! body, nested ones included) is refused with a 400 problem, on both backends, before it
//! reaches the database (PostgreSQL cannot store one in text).

use reqwest::Method;
use serde_json::Value;

use super::{Callers, assert_problem, document, send};
use crate::helpers::per_backend;

/// A string with a NUL in the middle.
const NUL: &str = "a\u{0}b";

/// Sample values for `schema`: one value per alternative of each `oneOf` on the way, so
/// that every string field of every variant appears in some sample.
fn samples(doc: &Value, schema: &Value, depth: usize) -> Vec<Value> {
    if depth > 16 {
        return vec![Value::Null];
    }
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return samples(doc, &doc["components"]["schemas"][name], depth + 1);
    }
    if let Some(alts) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
        let all: Vec<Value> = alts
            .iter()
            .filter(|a| a["type"] != "null")
            .flat_map(|a| samples(doc, a, depth + 1))
            .collect();
        return all;
    }
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return vec![first.clone()];
    }
    let kind = match &schema["type"] {
        Value::Array(kinds) => kinds.iter().find(|k| *k != "null").cloned(),
        other => Some(other.clone()),
    };
    match kind.as_ref().and_then(Value::as_str) {
        Some("string") => vec![Value::String("x".into())],
        Some("integer") | Some("number") => vec![Value::from(1)],
        Some("boolean") => vec![Value::Bool(true)],
        Some("array") => samples(doc, &schema["items"], depth + 1)
            .into_iter()
            .map(|v| Value::Array(vec![v]))
            .collect(),
        _ if schema["properties"].is_object() => object_samples(doc, schema, depth),
        _ => vec![Value::Null],
    }
}

/// Samples of an object: the first sample of every property, then one object per other
/// sample of each property.
fn object_samples(doc: &Value, schema: &Value, depth: usize) -> Vec<Value> {
    let props = schema["properties"].as_object().expect("properties");
    let each: Vec<(String, Vec<Value>)> = props
        .iter()
        .map(|(k, s)| (k.clone(), samples(doc, s, depth + 1)))
        .collect();
    let base: serde_json::Map<String, Value> = each
        .iter()
        .map(|(k, vs)| (k.clone(), vs.first().cloned().unwrap_or(Value::Null)))
        .collect();
    let mut out = vec![Value::Object(base.clone())];
    for (k, vs) in &each {
        for v in vs.iter().skip(1) {
            let mut other = base.clone();
            other.insert(k.clone(), v.clone());
            out.push(Value::Object(other));
        }
    }
    out
}

/// `value` once per string in it (object keys left alone), that string replaced by [`NUL`].
fn with_nul_in_each_string(value: &Value) -> Vec<Value> {
    match value {
        Value::String(_) => vec![Value::String(NUL.into())],
        Value::Array(items) => (0..items.len())
            .flat_map(|i| {
                with_nul_in_each_string(&items[i])
                    .into_iter()
                    .map(move |v| {
                        let mut copy = items.clone();
                        copy[i] = v;
                        Value::Array(copy)
                    })
            })
            .collect(),
        Value::Object(map) => map
            .iter()
            .flat_map(|(k, v)| {
                with_nul_in_each_string(v).into_iter().map(move |nul| {
                    let mut copy = map.clone();
                    copy.insert(k.clone(), nul);
                    Value::Object(copy)
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Every request with one NUL that `op` (`method template`) can be sent: `(url, body)`.
fn nul_requests(
    doc: &Value,
    c: &Callers,
    template: &str,
    op: &Value,
) -> Vec<(String, Option<Value>)> {
    let path = c.path(template);
    let mut out = Vec::new();
    for p in op["parameters"].as_array().into_iter().flatten() {
        let name = p["name"].as_str().expect("name");
        if p["schema"]["type"] != "string" || p["schema"]["format"] == "date-time" {
            continue;
        }
        match p["in"].as_str() {
            Some("path") => {
                let real = c.path(&format!("{{{name}}}"));
                out.push((path.replacen(&real, "a%00b", 1), None));
            }
            Some("query") => out.push((format!("{path}?{name}=a%00b"), None)),
            _ => {}
        }
    }
    let schema = &op["requestBody"]["content"]["application/json"]["schema"];
    if schema.is_object() {
        for sample in samples(doc, schema, 0) {
            for body in with_nul_in_each_string(&sample) {
                out.push((path.clone(), Some(body)));
            }
        }
    }
    out
}

per_backend! {
    async fn a_nul_in_any_string_of_any_route_is_refused(app, b) {
        let c = Callers::new(&app).await;
        let doc = document();
        let mut sent = 0;
        for route in ebb_server::openapi::routes() {
            let op = &doc["paths"][&route.path][route.method.to_lowercase()];
            let method = Method::from_bytes(route.method.as_bytes()).expect("method");
            for (url, body) in nul_requests(&doc, &c, &route.path, op) {
                let token = c.token(route.audience.scheme());
                let resp = send(&app, method.clone(), &url, token, body.as_ref()).await;
                let what = format!("{b}: {} {url} {}", route.method, body.unwrap_or_default());
                assert_problem(resp, &what).await;
                sent += 1;
            }
        }
        assert!(sent > 80, "{b}: {sent} requests with a NUL");
    }
}
