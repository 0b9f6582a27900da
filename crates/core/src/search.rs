//! Search rules: what a user's search text means (terms of letters and digits, all of which
//! must match, the last one as a prefix), which expert handled a conversation (who may find
//! it), and the visitor label a conversation is listed and found by.

use crate::{Actor, Author, Event, ExpertId, VisitorId};

pub mod newest;
pub mod snippet;

pub use newest::NewestPerConversation;
pub use snippet::snippet;

/// The most terms a query keeps; later ones are ignored.
pub const MAX_TERMS: usize = 16;
/// The longest word kept, in characters (longer ones are cut).
pub const MAX_WORD_CHARS: usize = 64;

/// One term of a query: words that must follow each other in a message (a quoted phrase,
/// or a word like `e-mail` that punctuation splits), the last word maybe a prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    /// Lower-case runs of letters and digits, never empty.
    pub words: Vec<String>,
    /// Does the last word match any word it begins (search as you type)?
    pub prefix: bool,
}

/// A parsed search: every term must match. Only letters and digits survive parsing, so a
/// query can never carry a database's query syntax.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchQuery {
    terms: Vec<Term>,
}

impl SearchQuery {
    /// Parses a user's text: words separated by spaces, `"double quotes"` around a phrase;
    /// everything but letters and digits separates words. `None` when no letter or digit
    /// is left (an empty search).
    pub fn parse(text: &str) -> Option<Self> {
        let mut terms = Vec::new();
        let mut chunks = 0;
        for (i, chunk) in text.split('"').enumerate() {
            chunks += 1;
            if i % 2 == 1 {
                terms.extend(term(chunk));
            } else {
                terms.extend(chunk.split_whitespace().filter_map(term));
            }
        }
        // Still typing a word outside quotes: it matches the words it begins.
        let typing = chunks % 2 == 1 && text.ends_with(char::is_alphanumeric);
        if typing
            && terms.len() <= MAX_TERMS
            && let Some(last) = terms.last_mut()
        {
            last.prefix = true;
        }
        terms.truncate(MAX_TERMS);
        (!terms.is_empty()).then_some(Self { terms })
    }

    /// The terms, in the order typed.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }
}

/// The words of one term: lower case first (lowering may add marks), then split.
fn term(text: &str) -> Option<Term> {
    let words: Vec<String> = text
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(MAX_WORD_CHARS).collect())
        .collect();
    (!words.is_empty()).then_some(Term {
        words,
        prefix: false,
    })
}

/// The expert this timeline entry shows handling the conversation: given it (assignment,
/// transfer), snoozing or waking it for them, writing in it, or closing it. An expert who
/// handled a conversation may find and read it afterwards, closed or not.
pub fn handler(event: &Event) -> Option<ExpertId> {
    match event {
        Event::Assigned { expert, .. }
        | Event::Snoozed { expert, .. }
        | Event::Woken { expert, .. } => Some(*expert),
        Event::Transferred { to, .. } => *to,
        Event::Message {
            author: Author::Expert(expert),
            ..
        }
        | Event::Closed {
            by: Actor::Expert(expert),
        } => Some(*expert),
        _ => None,
    }
}

/// How experts and admins name a visitor, who leaves no name: "Visitor " and the last four
/// characters of their id, in capitals. Search finds a conversation by this code too.
pub fn visitor_label(visitor: VisitorId) -> String {
    format!("Visitor {}", visitor_code(visitor))
}

/// The four-character code of [`visitor_label`].
pub fn visitor_code(visitor: VisitorId) -> String {
    let hex = visitor.0.simple().to_string();
    hex[hex.len().saturating_sub(4)..].to_uppercase()
}

/// Marks where a match starts in a snippet the store returns (a private-use character).
pub const MATCH_START: char = '\u{E000}';
/// Marks where a match ends in a snippet the store returns.
pub const MATCH_END: char = '\u{E001}';

/// Splits a marked snippet into its pieces, each flagged whether it matched the query; the
/// markers themselves are dropped, so the pieces are plain text to show.
pub fn snippet_parts(marked: &str) -> Vec<(String, bool)> {
    let mut parts: Vec<(String, bool)> = Vec::new();
    let mut matched = false;
    let mut text = String::new();
    for c in marked.chars() {
        let next = match c {
            MATCH_START => true,
            MATCH_END => false,
            _ => {
                text.push(c);
                continue;
            }
        };
        if !text.is_empty() {
            parts.push((std::mem::take(&mut text), matched));
        }
        matched = next;
    }
    if !text.is_empty() {
        parts.push((text, matched));
    }
    parts
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn words(q: &SearchQuery) -> Vec<(Vec<&str>, bool)> {
        q.terms()
            .iter()
            .map(|t| (t.words.iter().map(String::as_str).collect(), t.prefix))
            .collect()
    }

    #[test]
    fn words_phrases_and_the_last_prefix() {
        let q = SearchQuery::parse("Refund \"blue  KAYAK\" e-mail ord").expect("query");
        assert_eq!(
            words(&q),
            vec![
                (vec!["refund"], false),
                (vec!["blue", "kayak"], false),
                (vec!["e", "mail"], false),
                (vec!["ord"], true),
            ]
        );
        let done = SearchQuery::parse("kayak ").expect("query");
        assert_eq!(words(&done), vec![(vec!["kayak"], false)]);
        let phrase = SearchQuery::parse("\"blue kayak\"").expect("query");
        assert_eq!(words(&phrase), vec![(vec!["blue", "kayak"], false)]);
    }

    #[test]
    fn nothing_but_punctuation_is_an_empty_search() {
        for text in ["", "   ", "\"\"", "* ( ) : ^ - ' &| !", "\"'!\""] {
            assert_eq!(SearchQuery::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn snippets_split_at_the_markers() {
        let marked = format!("a {MATCH_START}kayak{MATCH_END} b");
        assert_eq!(
            snippet_parts(&marked),
            vec![
                ("a ".to_owned(), false),
                ("kayak".to_owned(), true),
                (" b".to_owned(), false)
            ]
        );
    }

    #[test]
    fn handlers_are_who_got_wrote_in_or_closed_a_conversation() {
        let (ada, bob) = (ExpertId::new(), ExpertId::new());
        let said = |author| Event::Message {
            author,
            body: crate::MessageBody::parse("hi").expect("body"),
            client_msg_id: None,
        };
        let cases = [
            (
                Event::Assigned {
                    expert: ada,
                    reason: crate::AssignReason::New,
                },
                Some(ada),
            ),
            (
                Event::Transferred {
                    from: ada,
                    to: Some(bob),
                    note: None,
                },
                Some(bob),
            ),
            (
                Event::Transferred {
                    from: ada,
                    to: None,
                    note: None,
                },
                None,
            ),
            (said(Author::Expert(bob)), Some(bob)),
            (said(Author::Visitor(VisitorId::new())), None),
            (said(Author::System), None),
            (
                Event::Closed {
                    by: Actor::Expert(ada),
                },
                Some(ada),
            ),
            (Event::Closed { by: Actor::System }, None),
            (Event::Released { from: ada }, None),
        ];
        for (event, expected) in cases {
            assert_eq!(handler(&event), expected, "{event:?}");
        }
    }

    #[test]
    fn the_label_ends_with_the_id() {
        let v = VisitorId(uuid::Uuid::from_u128(0xabcd_ef12));
        assert_eq!(visitor_label(v), "Visitor EF12");
    }

    proptest! {
        #[test]
        fn parsed_words_hold_only_letters_and_digits(text in any::<String>()) {
            if let Some(q) = SearchQuery::parse(&text) {
                prop_assert!(!q.terms().is_empty() && q.terms().len() <= MAX_TERMS);
                for t in q.terms() {
                    prop_assert!(!t.words.is_empty());
                    for w in &t.words {
                        prop_assert!(!w.is_empty());
                        prop_assert!(w.chars().all(char::is_alphanumeric), "{w:?}");
                    }
                }
            }
        }
    }
}
