//! The snippet a search result shows: the words around the entry's first match, each match
//! between [`MATCH_START`] and [`MATCH_END`]. Computed here, so both databases show the same
//! text and only the page's rows cost anything.

use std::ops::Range;

use super::{MATCH_END, MATCH_START, SearchQuery, Term};

/// How many words a snippet shows at most.
pub const SNIPPET_WORDS: usize = 16;
/// How many words a snippet shows before its first match, when there are that many.
const WORDS_BEFORE: usize = SNIPPET_WORDS / 4;
/// Marks text cut off at either end of a snippet.
const CUT: char = '…';

/// `text` around its first match of `query`, matches marked, cut ends marked with `…`.
/// Words split as the query's do (runs of letters and digits, compared in lower case), so
/// whatever the database found is marked; a text without a match shows its first words.
pub fn snippet(text: &str, query: &SearchQuery) -> String {
    let words = word_spans(text);
    let lower: Vec<String> = words
        .iter()
        .map(|r| text[r.clone()].to_lowercase())
        .collect();
    let found = matches(&lower, query.terms());
    let first = found.first().map_or(0, |m| m.start);
    let end = words
        .len()
        .min(first.saturating_sub(WORDS_BEFORE) + SNIPPET_WORDS);
    let start = end.saturating_sub(SNIPPET_WORDS);
    if end == 0 {
        return String::new();
    }
    // Uncut ends keep what surrounds the words (punctuation), cut ones stop at a word.
    let from = if start == 0 { 0 } else { words[start].start };
    let to = if end == words.len() {
        text.len()
    } else {
        words[end - 1].end
    };
    let mut out = String::new();
    if start > 0 {
        out.push(CUT);
        out.push(' ');
    }
    let mut at = from;
    for m in found.iter().filter(|m| m.end > start && m.start < end) {
        let (open, close) = (
            words[m.start.max(start)].start,
            words[(m.end - 1).min(end - 1)].end,
        );
        out.push_str(&text[at..open]);
        out.push(MATCH_START);
        out.push_str(&text[open..close]);
        out.push(MATCH_END);
        at = close;
    }
    out.push_str(&text[at..to]);
    if end < words.len() {
        out.push(' ');
        out.push(CUT);
    }
    out
}

/// The byte ranges of `text`'s words (runs of letters and digits).
fn word_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut open = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), open) {
            (true, None) => open = Some(i),
            (false, Some(s)) => {
                spans.push(s..i);
                open = None;
            }
            _ => {}
        }
    }
    if let Some(s) = open {
        spans.push(s..text.len());
    }
    spans
}

/// Every match of any term, as ranges of word indexes, in order, overlapping ones merged.
fn matches(lower: &[String], terms: &[Term]) -> Vec<Range<usize>> {
    let mut found: Vec<Range<usize>> = (0..lower.len())
        .flat_map(|i| terms.iter().filter_map(move |t| term_at(lower, i, t)))
        .collect();
    found.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(found.len());
    for r in found {
        match merged.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// The words `term` covers when it matches starting at word `i`.
fn term_at(lower: &[String], i: usize, term: &Term) -> Option<Range<usize>> {
    let end = i + term.words.len();
    let words = lower.get(i..end)?;
    let last = term.words.len() - 1;
    let all = words
        .iter()
        .zip(&term.words)
        .enumerate()
        .all(|(j, (w, t))| {
            if term.prefix && j == last {
                w.starts_with(t.as_str())
            } else {
                w == t
            }
        });
    all.then_some(i..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str, query: &str) -> String {
        let q = SearchQuery::parse(query).expect("query");
        snippet(text, &q)
            .replace(MATCH_START, "[")
            .replace(MATCH_END, "]")
    }

    #[test]
    fn words_phrases_and_prefixes_are_marked() {
        let text = "Sorry! A refund for the Kayak is on its way.";
        assert_eq!(
            marked(text, "kayak "),
            "Sorry! A refund for the [Kayak] is on its way."
        );
        assert_eq!(
            marked(text, "\"the kayak\" ref"),
            "Sorry! A [refund] for [the Kayak] is on its way."
        );
        assert_eq!(marked(text, "\"kayak the\""), text);
        assert_eq!(marked("ça presse", "ça "), "[ça] presse");
        assert_eq!(marked("3F2A", "3f2"), "[3F2A]");
    }

    #[test]
    fn long_texts_are_cut_around_the_first_match() {
        let words: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
        let text = words.join(" ");
        let s = marked(&text, "w20 ");
        assert_eq!(
            s,
            format!(
                "… {} [w20] {} …",
                words[16..20].join(" "),
                words[21..32].join(" ")
            )
        );
        assert_eq!(
            marked(&text, "w39 "),
            format!("… {} [w39]", words[24..39].join(" "))
        );
        assert_eq!(
            marked(&text, "w1 "),
            format!("w0 [w1] {} …", words[2..16].join(" "))
        );
        assert_eq!(
            marked(&text, "nowhere "),
            format!("{} …", words[..16].join(" "))
        );
    }

    #[test]
    fn a_match_across_the_cut_is_marked_up_to_it() {
        let words: Vec<String> = (0..20).map(|i| format!("w{i}")).collect();
        let text = words.join(" ");
        let s = marked(&text, "w0 \"w15 w16\"");
        assert_eq!(s, format!("[w0] {} [w15] …", words[1..15].join(" ")));
    }

    #[test]
    fn nothing_to_show_is_empty() {
        assert_eq!(marked("", "a"), "");
        assert_eq!(marked("?!", "a"), "");
        assert_eq!(marked("¿Dónde? ", "donde"), "¿Dónde? ");
    }
}
