//! A visitor's reply by email: the new text a mail adds (quoted history and signature cut
//! away) and whether a mail was sent by a machine (auto-replies, bounces, bulk mail), which
//! must never land as a message or mail loops follow.

#[cfg(test)]
mod tests;

/// The new text of a reply's plain-text body: the lines before the quoted history (an
/// attribution such as "On ... wrote:" or "Le ... a écrit :", an "Original Message"
/// separator) or the signature ("-- "), without `>`-quoted lines, trimmed. Every line of
/// the result is (part of) a line of `body`, in order, so it is never longer than `body`; a body
/// of only quotes gives the empty string.
pub fn new_text(body: &str) -> String {
    let kept: Vec<&str> = body
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !is_quote(l))
        .collect();
    let mut out: Vec<&str> = Vec::new();
    for (i, line) in kept.iter().enumerate() {
        let next = kept.get(i + 1).copied().unwrap_or_default();
        if ends_new_text(line, next) {
            break;
        }
        out.push(line);
    }
    out.join("\n").trim().to_owned()
}

/// The part of an HTML-only reply before its quoted history (a `<blockquote>`, Gmail's
/// `gmail_quote`, Outlook's `divRplyFwdMsg` or `appendonsend` block), each `</div>` made a
/// `<br>` so the text keeps its lines. Never longer than `html`.
pub fn html_before_history(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let cut = [
        "<blockquote",
        "gmail_quote",
        "divrplyfwdmsg",
        "appendonsend",
    ]
    .iter()
    .filter_map(|marker| lower.find(marker))
    .min()
    .map(|at| lower[..at + 1].rfind('<').unwrap_or(at))
    .unwrap_or(html.len());
    let kept = html.get(..cut).unwrap_or(html);
    let lower_kept = &lower[..kept.len()];
    let mut out = String::with_capacity(kept.len());
    let mut from = 0;
    for (at, _) in lower_kept.match_indices("</div>") {
        out.push_str(&kept[from..at]);
        out.push_str("<br>");
        from = at + "</div>".len();
    }
    out.push_str(&kept[from..]);
    out
}

/// A line quoting an earlier mail (`> ...`, `>> ...`).
fn is_quote(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// Whether `line` (followed by `next`, as attributions may wrap once) starts the quoted
/// history or the signature.
fn ends_new_text(line: &str, next: &str) -> bool {
    let trimmed = line.trim();
    if trimmed == "--" || is_separator(trimmed) || is_outlook_rule(trimmed, next) {
        return true;
    }
    is_attribution(trimmed)
        || (starts_attribution(trimmed) && is_attribution(&format!("{trimmed} {}", next.trim())))
}

/// "-----Original Message-----", "----- Message d'origine -----" and the like.
fn is_separator(line: &str) -> bool {
    let words = line.trim_matches(|c: char| c == '-' || c.is_whitespace());
    line.starts_with("---")
        && [
            "original message",
            "message d'origine",
            "message d\u{2019}origine",
        ]
        .iter()
        .any(|w| words.eq_ignore_ascii_case(w))
}

/// Outlook's rule of underscores above the quoted mail's "From:" ("De :") block.
fn is_outlook_rule(line: &str, next: &str) -> bool {
    let next = next.trim_start();
    line.len() >= 10
        && line.chars().all(|c| c == '_')
        && (next.starts_with("From:") || next.starts_with("De"))
}

/// An attribution's first words: "On " (English), "Le " (French).
fn starts_attribution(line: &str) -> bool {
    line.starts_with("On ") || line.starts_with("Le ")
}

/// A whole attribution line: "On <date>, <name> wrote:" or "Le <date>, <nom> a écrit :"
/// (any space before the colon, as French typography puts a no-break one there).
fn is_attribution(line: &str) -> bool {
    let Some(head) = line.strip_suffix(':') else {
        return false;
    };
    let head = head.trim_end();
    (line.starts_with("On ") && head.ends_with(" wrote"))
        || (line.starts_with("Le ") && head.ends_with(" a \u{e9}crit"))
}

/// What a mail's headers say about who sent it, as far as loops are concerned.
#[derive(Clone, Copy, Debug, Default)]
pub struct Signals<'a> {
    /// `Auto-Submitted` (RFC 3834): anything but `no` is a machine.
    pub auto_submitted: Option<&'a str>,
    /// `Precedence`: `bulk`, `junk`, `list` and `auto_reply` are machines.
    pub precedence: Option<&'a str>,
    /// Whether an `X-Autoreply`, `X-Autorespond` or `X-Autoresponder` header is present.
    pub autoreply_header: bool,
    /// The envelope sender (`Return-Path`) when present: `<>` (empty) is a bounce.
    pub return_path: Option<&'a str>,
    /// The top-level content type, e.g. `multipart/report` for delivery reports.
    pub content_type: Option<&'a str>,
    /// The subject.
    pub subject: Option<&'a str>,
}

/// Why a mail was sent by a machine rather than typed by the visitor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Automatic {
    /// `Auto-Submitted` other than `no`, or an `X-Autoreply`-style header.
    AutoSubmitted,
    /// `Precedence: bulk`, `junk`, `list` or `auto_reply`.
    Bulk,
    /// A delivery report or a bounce (null envelope sender).
    Bounce,
    /// An out-of-office subject ("Automatic reply:", "Out of Office", "Réponse automatique").
    OutOfOffice,
}

impl Automatic {
    /// A short stable name, for logs and API answers.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AutoSubmitted => "auto-submitted",
            Self::Bulk => "bulk",
            Self::Bounce => "bounce",
            Self::OutOfOffice => "out-of-office",
        }
    }
}

/// Subject beginnings of out-of-office replies that carry no header saying so.
const OUT_OF_OFFICE: [&str; 7] = [
    "automatic reply",
    "auto-reply",
    "autoreply",
    "out of office",
    "out of the office",
    "réponse automatique",
    "absence du bureau",
];

/// Why the mail is automatic, or `None` when a person wrote it.
pub fn automatic(s: &Signals<'_>) -> Option<Automatic> {
    let lower = |v: Option<&str>| v.map(|v| v.trim().to_lowercase());
    if s.autoreply_header || lower(s.auto_submitted).is_some_and(|v| !v.is_empty() && v != "no") {
        return Some(Automatic::AutoSubmitted);
    }
    let bulk = ["bulk", "junk", "list", "auto_reply"];
    if lower(s.precedence).is_some_and(|v| bulk.contains(&v.as_str())) {
        return Some(Automatic::Bulk);
    }
    let null_sender = s
        .return_path
        .is_some_and(|r| r.trim().trim_matches(['<', '>']).trim().is_empty());
    let report = lower(s.content_type).is_some_and(|v| v.starts_with("multipart/report"));
    if null_sender || report {
        return Some(Automatic::Bounce);
    }
    let subject = lower(s.subject).unwrap_or_default();
    OUT_OF_OFFICE
        .iter()
        .any(|p| subject.starts_with(p))
        .then_some(Automatic::OutOfOffice)
}
