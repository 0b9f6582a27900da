use proptest::prelude::*;

use super::*;

#[test]
fn the_new_text_stops_at_an_english_attribution() {
    let body = "Thanks, that fixed it!\r\n\r\nOn Mon, 1 Dec 2026 at 10:00, Ada <ada@acme.test> wrote:\r\n> Try restarting.\r\n";
    assert_eq!(new_text(body), "Thanks, that fixed it!");
}

#[test]
fn the_new_text_stops_at_a_french_attribution_with_a_no_break_space() {
    let body = "Merci, c'est réglé.\n\nLe lun. 1 déc. 2026 à 10:00, Ada <ada@acme.test> a écrit\u{a0}:\n> Essayez de redémarrer.";
    assert_eq!(new_text(body), "Merci, c'est réglé.");
    let plain = "Merci.\nLe 1 déc. 2026, Ada a écrit :\nancien texte";
    assert_eq!(new_text(plain), "Merci.");
}

#[test]
fn an_attribution_wrapped_over_two_lines_is_found() {
    let body = "Yes please.\n\nOn Mon, Dec 1, 2026 at 10:00 AM Ada Lovelace <\nada@acme.test> wrote:\n\nold text";
    assert_eq!(new_text(body), "Yes please.");
}

#[test]
fn quotes_are_dropped_even_between_new_lines() {
    let body = "> Which order?\nOrder 42.\n>> Earlier\n> When?\nYesterday.";
    assert_eq!(new_text(body), "Order 42.\nYesterday.");
}

#[test]
fn the_signature_and_outlook_history_are_cut() {
    assert_eq!(new_text("Hello\n-- \nBob\nACME Corp"), "Hello");
    assert_eq!(new_text("Hello\n--\nBob"), "Hello");
    let outlook = "See below.\n\n-----Original Message-----\nFrom: Ada\nSent: Monday";
    assert_eq!(new_text(outlook), "See below.");
    let rule = "Okay.\n________________________________\nFrom: Ada <ada@acme.test>\nSent: Monday";
    assert_eq!(new_text(rule), "Okay.");
}

#[test]
fn a_line_that_merely_mentions_wrote_is_kept() {
    let body = "On second thought: I wrote to you yesterday.\nOn Monday it broke.";
    assert_eq!(new_text(body), body);
    assert_eq!(new_text("-- not a signature"), "-- not a signature");
}

#[test]
fn only_quotes_give_nothing() {
    assert_eq!(new_text("> a\n>> b\n   > c\n"), "");
    assert_eq!(new_text("On Mon, Ada wrote:\n> a"), "");
    assert_eq!(new_text(""), "");
}

#[test]
fn headers_of_machines_are_told_from_people() {
    let person = Signals {
        auto_submitted: Some("no"),
        subject: Some("Re: your question"),
        return_path: Some("<bob@example.test>"),
        content_type: Some("multipart/alternative"),
        ..Signals::default()
    };
    assert_eq!(automatic(&person), None);
    let cases = [
        (
            Signals {
                auto_submitted: Some("auto-replied"),
                ..person
            },
            Automatic::AutoSubmitted,
        ),
        (
            Signals {
                autoreply_header: true,
                ..person
            },
            Automatic::AutoSubmitted,
        ),
        (
            Signals {
                precedence: Some(" Bulk "),
                ..person
            },
            Automatic::Bulk,
        ),
        (
            Signals {
                return_path: Some("<>"),
                ..person
            },
            Automatic::Bounce,
        ),
        (
            Signals {
                content_type: Some("multipart/report; report-type=delivery-status"),
                ..person
            },
            Automatic::Bounce,
        ),
        (
            Signals {
                subject: Some("Réponse automatique : absent"),
                ..person
            },
            Automatic::OutOfOffice,
        ),
        (
            Signals {
                subject: Some("Out of Office: back Monday"),
                ..person
            },
            Automatic::OutOfOffice,
        ),
    ];
    for (signals, expected) in cases {
        assert_eq!(automatic(&signals), Some(expected), "{signals:?}");
    }
    let precedence_first_class = Signals {
        precedence: Some("first-class"),
        ..person
    };
    assert_eq!(automatic(&precedence_first_class), None);
}

#[test]
fn html_history_is_cut_before_its_quote_block() {
    let gmail = "<div>Yes<br></div><div>Size M</div><div class=\"gmail_quote\"><div>On Mon, Ada wrote:</div><blockquote>old</blockquote></div>";
    assert_eq!(
        html_before_history(gmail),
        "<div>Yes<br><br><div>Size M<br>"
    );
    let quote = "<p>Fine</p><BLOCKQUOTE type=cite>old</BLOCKQUOTE>";
    assert_eq!(html_before_history(quote), "<p>Fine</p>");
    assert_eq!(
        html_before_history("<p>no history</p>"),
        "<p>no history</p>"
    );
}

/// Lines such as mail bodies have: text, quotes, attributions, signatures, blanks.
fn mail_line() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Zéà0-9 ,.!?:]{0,30}",
        "[ ]{0,2}>{1,3}[a-z ]{0,20}",
        Just("-- ".to_owned()),
        Just("On Mon, Ada wrote:".to_owned()),
        Just("On Mon, Ada <".to_owned()),
        Just("ada@x> wrote:".to_owned()),
        Just("Le lun., Ada a écrit :".to_owned()),
        Just("-----Original Message-----".to_owned()),
        Just(String::new()),
    ]
}

proptest! {
    #[test]
    fn the_new_text_is_never_longer_than_the_mail(
        lines in prop::collection::vec(mail_line(), 0..20),
        crlf in any::<bool>(),
    ) {
        let body = lines.join(if crlf { "\r\n" } else { "\n" });
        let text = new_text(&body);
        prop_assert!(text.len() <= body.len());
        for line in text.lines() {
            prop_assert!(!line.trim_start().starts_with('>'), "{line:?}");
            prop_assert!(body.lines().any(|l| l.contains(line)), "{line:?}");
        }
        prop_assert_eq!(new_text(&text), text.clone(), "extracting twice changes nothing");
    }

    #[test]
    fn the_html_kept_is_never_longer(html in "(<div>|</div>|<blockquote>|gmail_quote|[a-zé <>/])*") {
        prop_assert!(html_before_history(&html).len() <= html.len());
    }

    #[test]
    fn a_mail_of_only_quotes_gives_nothing(
        lines in prop::collection::vec("[ ]{0,2}>{1,3}[^\r\n]{0,30}", 0..20),
    ) {
        prop_assert_eq!(new_text(&lines.join("\n")), "");
    }
}
