//! One result per conversation: read a search's matches newest first, keep each
//! conversation's newest match, in that order, and start a page after the conversations
//! earlier pages showed. A page costs the matches read up to it, never all of them.

use std::collections::HashSet;
use std::hash::Hash;

/// A page of results being filled from matches offered newest first (strictly decreasing
/// positions). A conversation's first match offered is its newest; conversations whose
/// newest match is at or above the cursor's position were on earlier pages.
#[derive(Debug)]
pub struct NewestPerConversation<K, H> {
    before: Option<i64>,
    limit: usize,
    seen: HashSet<K>,
    hits: Vec<H>,
}

impl<K: Eq + Hash, H> NewestPerConversation<K, H> {
    /// A page of at most `limit` results after the one whose newest match is at `before`
    /// (the previous page's last result; `None` for the first page).
    pub fn new(before: Option<i64>, limit: usize) -> Self {
        Self {
            before,
            limit,
            seen: HashSet::new(),
            hits: Vec::new(),
        }
    }

    /// Offers the next match: at `pos`, of conversation `key`; `hit` makes its result when
    /// this is the conversation's newest match and it belongs on this page.
    pub fn offer(&mut self, pos: i64, key: K, hit: impl FnOnce() -> H) {
        if self.is_full() || !self.seen.insert(key) {
            return;
        }
        if self.before.is_none_or(|before| pos < before) {
            self.hits.push(hit());
        }
    }

    /// Is the page complete (no later match can change it)?
    pub fn is_full(&self) -> bool {
        self.hits.len() >= self.limit
    }

    /// The page's results, newest match first.
    pub fn into_hits(self) -> Vec<H> {
        self.hits
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::NewestPerConversation;

    /// The reference: every conversation once, by its newest match, newest first.
    fn expected(matches: &[(i64, u8)]) -> Vec<(i64, u8)> {
        let mut newest: Vec<(i64, u8)> = Vec::new();
        for &(pos, conv) in matches {
            match newest.iter_mut().find(|(_, c)| *c == conv) {
                Some(entry) => entry.0 = entry.0.max(pos),
                None => newest.push((pos, conv)),
            }
        }
        newest.sort_by_key(|n| std::cmp::Reverse(n.0));
        newest
    }

    /// Walks every page of `limit` results, reading `matches` (newest first) from the top
    /// for each page, the way the store does.
    fn pages(matches: &[(i64, u8)], limit: usize) -> Vec<Vec<(i64, u8)>> {
        let mut out = Vec::new();
        let mut before = None;
        loop {
            let mut page = NewestPerConversation::new(before, limit);
            for &(pos, conv) in matches {
                page.offer(pos, conv, || (pos, conv));
                if page.is_full() {
                    break;
                }
            }
            let hits = page.into_hits();
            let Some(last) = hits.last() else { break };
            before = Some(last.0);
            out.push(hits);
        }
        out
    }

    #[test]
    fn many_matches_of_one_conversation_across_a_page_boundary() {
        // Conversation 1 matches at 9, 6 and 2; pages of two.
        let matches = [
            (9, 1),
            (8, 2),
            (7, 3),
            (6, 1),
            (5, 4),
            (4, 3),
            (3, 5),
            (2, 1),
        ];
        let got = pages(&matches, 2);
        assert_eq!(
            got,
            vec![vec![(9, 1), (8, 2)], vec![(7, 3), (5, 4)], vec![(3, 5)]]
        );
    }

    proptest! {
        #[test]
        fn pages_show_every_conversation_once_by_its_newest_match(
            convs in proptest::collection::vec(0u8..12, 0..60),
            limit in 1usize..6,
        ) {
            // Positions 60, 59, ...: newest first, as the store reads them.
            let matches: Vec<(i64, u8)> = convs.iter().enumerate()
                .map(|(i, &c)| (60 - i64::try_from(i).unwrap_or(0), c))
                .collect();
            let walked: Vec<(i64, u8)> = pages(&matches, limit).into_iter().flatten().collect();
            prop_assert_eq!(walked, expected(&matches));
        }
    }
}
