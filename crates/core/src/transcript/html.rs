//! The HTML form of a transcript: a standalone page without scripts, where every piece of
//! text (names, bodies, tags, the brand) goes through [`escape`].

use super::{INTERNAL_LABEL, LineKind, Transcript, stamp};

/// The page's style (the server's Content-Security-Policy allows inline style only).
const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;\
padding:0 1rem;color:#222}ol{list-style:none;padding:0}li{margin:.4rem 0}\
time{color:#777;font-size:.85em;margin-right:.5rem}.event{color:#666;font-style:italic}\
.internal{background:#fff6d6;border-left:4px solid #d9a400;padding:.3rem .6rem}\
.label{font-weight:700;color:#8a6400;margin-right:.4rem}p{white-space:pre-wrap;margin:0}";

/// `text` with `& < > " '` replaced by character references.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The whole page.
pub(super) fn page(t: &Transcript<'_>) -> String {
    let mut out = String::from("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.push_str(&format!(
        "<title>Transcript, {}</title><style>{STYLE}</style></head><body>\n<h1>Transcript</h1>\n<dl>",
        escape(t.brand)
    ));
    for (k, v) in t.header() {
        out.push_str(&format!("<dt>{k}</dt><dd>{}</dd>", escape(&v)));
    }
    out.push_str("</dl>\n");
    if t.with_notes() {
        out.push_str(&format!(
            "<p class=\"internal\"><span class=\"label\">{INTERNAL_LABEL}</span>marked lines are for the brand's team only.</p>\n"
        ));
    }
    out.push_str("<ol>\n");
    for l in t.lines() {
        let at = escape(&stamp(l.at));
        let (who, text) = (escape(&l.who), escape(&l.text));
        out.push_str(&match l.kind {
            LineKind::Message => {
                format!("<li><time>{at}</time><strong>{who}</strong><p>{text}</p></li>\n")
            }
            LineKind::Event => format!("<li class=\"event\"><time>{at}</time>{text}</li>\n"),
            LineKind::Internal => format!(
                "<li class=\"internal\"><time>{at}</time><span class=\"label\">{INTERNAL_LABEL}</span>\
                 <strong>{who}</strong><p>{text}</p></li>\n"
            ),
        });
    }
    out.push_str("</ol>\n</body></html>\n");
    out
}
