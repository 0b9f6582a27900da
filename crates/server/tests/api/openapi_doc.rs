//! The generated OpenAPI document says enough: every success response and request body
//! has a schema, every `$ref` resolves, problems share one `Problem` schema, each audience
//! carries its security requirement, and docs/api.md names every route and no other.

use ebb_server::openapi::routes;
use serde_json::Value;

/// Every `$ref` under `value`, as component names.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.trim_start_matches("#/components/schemas/").to_owned());
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// Each operation of the generated document: method, path, operation.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                out.push((method.to_uppercase(), path.clone(), op.clone()));
            }
        }
    }
    out
}

/// Success answers with an empty body besides 101 and 204 (the status says it all).
const EMPTY: &[(&str, &str)] = &[
    ("POST", "/api/v1/widget/{brand}/conversations/{id}/csat"),
    ("POST", "/api/v1/admin/missions/{id}/members"),
    (
        "POST",
        "/api/v1/widget/{brand}/conversations/{id}/transcript/email",
    ),
];

#[test]
fn every_success_response_has_a_schema_and_problems_share_one() {
    let doc = serde_json::to_value(ebb_server::openapi::document()).expect("json");
    let ops = operations(&doc);
    assert!(ops.len() >= 60, "{} operations", ops.len());
    for (method, path, op) in ops {
        let responses = op["responses"].as_object().expect("responses");
        for (status, response) in responses {
            let code: u16 = match status.parse() {
                Ok(code) => code,
                Err(_) => continue,
            };
            if code >= 300 {
                continue;
            }
            if code == 101 || code == 204 || EMPTY.contains(&(method.as_str(), path.as_str())) {
                assert!(response.get("content").is_none(), "{method} {path} {code}");
                continue;
            }
            let content = response["content"].as_object();
            let schemas: Vec<&Value> = content
                .into_iter()
                .flat_map(|c| c.values())
                .map(|c| &c["schema"])
                .collect();
            assert!(
                !schemas.is_empty() && schemas.iter().all(|s| s.is_object()),
                "{method} {path}: the {code} response has no schema"
            );
        }
        let problem = &op["responses"]["default"]["content"]["application/problem+json"]["schema"];
        assert_eq!(
            problem["$ref"], "#/components/schemas/Problem",
            "{method} {path}: problems reference the one Problem schema"
        );
        if ["POST", "PUT", "PATCH"].contains(&method.as_str())
            && let Some(body) = op.get("requestBody")
        {
            // JSON, or a raw mail (`message/rfc822`) for the inbound mail hook.
            let contents = body["content"].as_object().expect("request body content");
            assert!(
                !contents.is_empty() && contents.values().all(|c| c["schema"].is_object()),
                "{method} {path}: request body schema"
            );
        }
    }
    let mut named = Vec::new();
    refs(&doc, &mut named);
    for name in named {
        assert!(
            doc["components"]["schemas"][&name].is_object(),
            "$ref to a missing schema {name}"
        );
    }
    let snooze = &doc["components"]["schemas"]["SnoozeRequest"]["properties"]["choice"];
    assert!(snooze.is_object(), "the snooze choice is described");
}

#[test]
fn each_audience_has_its_security_requirement() {
    let doc = serde_json::to_value(ebb_server::openapi::document()).expect("json");
    for route in routes() {
        let op = &doc["paths"][&route.path][route.method.to_lowercase()];
        let security = &op["security"][0];
        match route.audience.scheme() {
            Some(scheme) => assert!(
                security[scheme].is_array(),
                "{} {} needs {scheme}",
                route.method,
                route.path
            ),
            None => assert!(security.is_null(), "{} {}", route.method, route.path),
        }
    }
}

const API_MD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api.md");

/// The `(method, path)` of each endpoint table row of docs/api.md
/// (`| GET | `/api/...` | ... |`) and each "`METHOD /path`" mention.
fn documented_in_api_md(text: &str) -> Vec<(String, String)> {
    let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    let mut found = Vec::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() > 3 && methods.contains(&cells[1]) {
            found.push((cells[1].to_owned(), cells[2].trim_matches('`').to_owned()));
        }
    }
    for method in methods {
        for (i, _) in text.match_indices(&format!("`{method} /")) {
            let rest = &text[i + method.len() + 2..];
            let path = rest.split(['`', '?', ' ']).next().unwrap_or_default();
            found.push((method.to_owned(), path.to_owned()));
        }
    }
    found
}

/// Every `/api/...` path mentioned anywhere in `text` (query strings left out; file
/// paths such as `tests/api/x.rs` are not mentions).
fn api_mentions(text: &str) -> Vec<String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "/{}_.-".contains(c);
    text.match_indices("/api/")
        .filter(|(i, _)| {
            !text[..*i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.')
        })
        .map(|(i, _)| {
            let path: String = text[i..].chars().take_while(|c| allowed(*c)).collect();
            path.trim_end_matches(['.', '/']).to_owned()
        })
        .collect()
}

#[test]
fn docs_api_md_names_every_route_and_only_real_ones() {
    let text = std::fs::read_to_string(API_MD).expect("docs/api.md");
    let rows = documented_in_api_md(&text);
    for route in routes() {
        assert!(
            rows.iter()
                .any(|(m, p)| m == route.method && *p == route.path),
            "docs/api.md does not describe {} {}",
            route.method,
            route.path
        );
    }
    for (method, path) in &rows {
        assert!(
            ebb_server::openapi::is_documented(method, path),
            "docs/api.md describes {method} {path}, which is not a route"
        );
    }
    for mention in api_mentions(&text) {
        let real = routes().iter().any(|r| {
            r.path == mention
                || r.path
                    .strip_prefix(mention.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        });
        assert!(real, "docs/api.md mentions {mention}, which no route has");
    }
}
