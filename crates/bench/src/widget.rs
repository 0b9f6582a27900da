//! Scenario 6: the bytes a page pays for the widget: every file the widget loads
//! (`/widget.js`, which adds `/widget.css`), fetched from the running server, gzipped.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

use crate::api::Ebb;

/// Files the widget page loads, in order (see `web/widget/widget.js`, `crates/server/src/web.rs`).
pub const FILES: [&str; 2] = ["/widget.js", "/widget.css"];

/// Fetches each file and measures its raw and gzipped (level 9) size.
pub async fn measure(ebb: &Ebb) -> anyhow::Result<(Vec<String>, Value)> {
    let mut rows = vec![format!("{:<16} {:>10} {:>10}", "file", "bytes", "gzip -9")];
    let mut files = Vec::new();
    let (mut raw_total, mut gz_total) = (0, 0);
    for path in FILES {
        let body = ebb.get_bytes(path).await?;
        let gz = gzipped_len(&body)?;
        rows.push(format!("{path:<16} {:>10} {gz:>10}", body.len()));
        files.push(json!({"path": path, "bytes": body.len(), "gzip_bytes": gz}));
        raw_total += body.len();
        gz_total += gz;
    }
    rows.push(format!(
        "{:<16} {raw_total:>10} {gz_total:>10}  (target < 15000)",
        "total"
    ));
    let value = json!({"files": files, "bytes": raw_total, "gzip_bytes": gz_total, "target_gzip_bytes": 15000});
    Ok((rows, value))
}

/// Size of `bytes` gzipped at level 9.
pub fn gzipped_len(bytes: &[u8]) -> anyhow::Result<usize> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?.len())
}

#[cfg(test)]
mod tests {
    use super::gzipped_len;

    #[test]
    fn repetitive_text_compresses() {
        let text = "hello ".repeat(1000);
        let len = gzipped_len(text.as_bytes()).expect("gzip");
        assert!(len > 0 && len < 200, "{len}");
    }
}
