//! Every route of the generated document answers a method it does not take with 405
//! problem+json and an `Allow` header naming the ones it does; unknown API paths answer
//! 404 problem+json.

use reqwest::{Method, StatusCode};

use super::{Callers, assert_problem, document, methods_by_path, send};
use crate::helpers::per_backend;

per_backend! {
    async fn a_wrong_method_is_a_405_problem_with_allow_on_every_route(app, b) {
        let c = Callers::new(&app).await;
        let all = ["GET", "POST", "PUT", "PATCH", "DELETE"];
        let mut checked = 0;
        for (template, allowed) in methods_by_path(&document()) {
            let url = c.path(&template);
            for wrong in all.iter().filter(|m| !allowed.contains(**m)) {
                let method = Method::from_bytes(wrong.as_bytes()).expect("method");
                let resp = send(&app, method, &url, Some(&c.admin), None).await;
                let allow = resp
                    .headers()
                    .get("allow")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                let what = format!("{b}: {wrong} {template}");
                let status = assert_problem(resp, &what).await;
                assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{what}");
                for m in &allowed {
                    assert!(allow.contains(m.as_str()), "{what}: Allow {allow:?} lacks {m}");
                }
                checked += 1;
            }
        }
        assert!(checked > 100, "{b}: {checked} wrong methods");
    }
}

per_backend! {
    async fn unknown_api_paths_are_404_problems(app, b) {
        let c = Callers::new(&app).await;
        for path in [
            "/api/v1/nothing",
            "/api/v1/widget/acme/nothing",
            "/api/v1/expert/nothing/here",
            "/api/v1/admin/reports/extra",
            "/api/v2/widget/acme",
            "/api/nothing",
        ] {
            for method in [Method::GET, Method::POST, Method::DELETE] {
                let resp = send(&app, method.clone(), path, Some(&c.admin), None).await;
                let status = assert_problem(resp, &format!("{b}: {method} {path}")).await;
                assert_eq!(status, StatusCode::NOT_FOUND, "{b}: {method} {path}");
            }
        }
    }
}
