//! A reporting period from the query string (`from`, `to` as RFC 3339), defaulting to the
//! last 30 days, and the CSV helpers for statements and payouts.

use ebb_core::Instant;
use serde::Deserialize;
use time::Duration;

use crate::ApiError;

/// `?from=...&to=...`, both optional.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// Start (inclusive, RFC 3339); default: 30 days before `to`.
    #[serde(default, with = "ebb_core::instant::rfc3339::option")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<Instant>,
    /// End (exclusive, RFC 3339); default: now.
    #[serde(default, with = "ebb_core::instant::rfc3339::option")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<Instant>,
}

/// The longest period a report covers.
pub const MAX_PERIOD_DAYS: i64 = 400;

impl PeriodQuery {
    /// The period `[from, to)`: by default the 30 days up to `now`.
    pub fn resolve(&self, now: Instant) -> Result<(Instant, Instant), ApiError> {
        let to = self.to.unwrap_or(now + Duration::seconds(1));
        let from = self.from.unwrap_or(to - Duration::days(30));
        if from >= to {
            return Err(ApiError::BadRequest("`from` must be before `to`".into()));
        }
        if to - from > Duration::days(MAX_PERIOD_DAYS) {
            return Err(ApiError::BadRequest(format!(
                "a period covers at most {MAX_PERIOD_DAYS} days"
            )));
        }
        Ok((from, to))
    }
}

/// A `text/csv` response with a download file name.
pub fn csv(filename: &str, body: String) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// A free-text CSV cell: quoted, inner quotes doubled, and a leading `=`, `+`, `-`, `@`, tab
/// or carriage return defused with a `'`, so a spreadsheet shows the text instead of
/// running it as a formula (CSV injection). Numbers and ids are written as they are.
pub fn csv_text(text: &str) -> String {
    let defuse = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = if defuse { "'" } else { "" };
    format!("\"{quote}{}\"", text.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::csv_text;

    #[test]
    fn text_cells_are_quoted_and_never_start_a_formula() {
        assert_eq!(csv_text("Ada"), "\"Ada\"");
        assert_eq!(csv_text("say \"hi\""), "\"say \"\"hi\"\"\"");
        for formula in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            let cell = csv_text(formula);
            assert!(cell.starts_with("\"'"), "{formula:?} -> {cell}");
        }
        assert_eq!(
            csv_text("a=b"),
            "\"a=b\"",
            "only a leading sign is a formula"
        );
    }
}
