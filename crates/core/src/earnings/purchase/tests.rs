//! The brand's server is the authority on an order: by example and by property over any
//! sequence of page and server reports.

use proptest::prelude::*;

use super::*;
use crate::earnings::Money;

fn eur(minor: i64) -> Money {
    Money::parse(minor, "EUR").expect("money")
}

#[test]
fn a_repeated_report_confirms_a_pending_order_conflicts_or_changes_nothing() {
    let (v, amount) = (crate::VisitorId::new(), eur(2_000));
    let same = OrderDetails {
        visitor: v,
        amount: &amount,
    };
    let dearer = eur(2_001);
    let other = OrderDetails {
        visitor: v,
        amount: &dearer,
    };
    let (server, widget) = (PurchaseSource::Server, PurchaseSource::Widget);
    use PurchaseStatus::{Confirmed, Pending, Refunded};
    assert_eq!(on_repeat(Pending, same, same, server), Repeat::Confirm);
    assert_eq!(on_repeat(Pending, same, other, server), Repeat::Confirm);
    assert_eq!(on_repeat(Confirmed, same, same, server), Repeat::Unchanged);
    assert_eq!(on_repeat(Refunded, same, same, server), Repeat::Unchanged);
    for status in [Confirmed, Refunded] {
        assert_eq!(on_repeat(status, same, other, server), Repeat::Conflict);
    }
    for status in [Pending, Confirmed, Refunded] {
        assert_eq!(on_repeat(status, same, other, widget), Repeat::Unchanged);
    }
}

/// One report in a property test: who reports, for which visitor (of 3) and how much.
#[derive(Clone, Debug)]
struct Report {
    source: PurchaseSource,
    visitor: usize,
    minor: i64,
}

fn a_report() -> impl Strategy<Value = Report> {
    let source = prop_oneof![Just(PurchaseSource::Widget), Just(PurchaseSource::Server)];
    (source, 0..3_usize, 1..5_i64).prop_map(|(source, visitor, minor)| Report {
        source,
        visitor,
        minor,
    })
}

/// Folds reports of one order id the way the desk does: the first is stored with its
/// source's first status, a confirmation stores the reported details. Returns what is on
/// file at the end and the outcome of each report.
fn fold(
    reports: &[Report],
    visitors: &[crate::VisitorId],
) -> (
    Option<(PurchaseStatus, crate::VisitorId, Money)>,
    Vec<Repeat>,
) {
    let mut stored: Option<(PurchaseStatus, crate::VisitorId, Money)> = None;
    let mut outcomes = Vec::new();
    for r in reports {
        let (visitor, amount) = (visitors[r.visitor], eur(r.minor));
        let Some((status, on_file, on_file_amount)) = stored.clone() else {
            stored = Some((r.source.first_status(), visitor, amount));
            continue;
        };
        let details = |visitor, amount| OrderDetails { visitor, amount };
        let outcome = on_repeat(
            status,
            details(on_file, &on_file_amount),
            details(visitor, &amount),
            r.source,
        );
        if outcome == Repeat::Confirm {
            stored = Some((PurchaseStatus::Confirmed, visitor, amount));
        }
        outcomes.push(outcome);
    }
    (stored, outcomes)
}

proptest! {
    /// Any page reports of an order, before and after the brand's server reports it, end
    /// exactly as if the server alone had reported it: the server is never refused, its
    /// details win, and a page report never conflicts with, changes or confirms anything.
    #[test]
    fn the_brands_server_is_the_authority_on_an_order(
        hints in proptest::collection::vec(a_report(), 0..6),
        server in (0..3_usize, 1..5_i64),
        later in proptest::collection::vec(a_report(), 0..6),
    ) {
        let visitors = [crate::VisitorId::new(), crate::VisitorId::new(), crate::VisitorId::new()];
        let widget_only = |rs: &[Report]| -> Vec<Report> {
            rs.iter().filter(|r| r.source == PurchaseSource::Widget).cloned().collect()
        };
        let the_server = Report { source: PurchaseSource::Server, visitor: server.0, minor: server.1 };
        let mut reports = widget_only(&hints);
        reports.push(the_server.clone());
        reports.extend(widget_only(&later));
        let (stored, outcomes) = fold(&reports, &visitors);
        let (alone, _) = fold(std::slice::from_ref(&the_server), &visitors);
        prop_assert_eq!(stored, alone);
        prop_assert!(!outcomes.contains(&Repeat::Conflict), "{:?}", outcomes);
        let (before_server, _) = fold(&widget_only(&hints), &visitors);
        prop_assert!(before_server.is_none_or(|(s, _, _)| s == PurchaseStatus::Pending));
    }

    /// Whatever came before, a page report never changes what is on file.
    #[test]
    fn a_page_report_never_changes_an_order_on_file(
        reports in proptest::collection::vec(a_report(), 1..8),
        hint in a_report(),
    ) {
        let visitors = [crate::VisitorId::new(), crate::VisitorId::new(), crate::VisitorId::new()];
        let (before, _) = fold(&reports, &visitors);
        let mut with_hint = reports.clone();
        with_hint.push(Report { source: PurchaseSource::Widget, ..hint });
        let (after, outcomes) = fold(&with_hint, &visitors);
        prop_assert_eq!(before, after);
        prop_assert_eq!(outcomes.last(), Some(&Repeat::Unchanged));
    }
}
