use proptest::prelude::*;
use time::macros::datetime;

use super::*;

const T0: Instant = datetime!(2026-11-25 09:00 UTC);

fn reply(seq: u64, minute: i64) -> Reply {
    Reply {
        seq,
        at: T0 + Duration::minutes(minute),
    }
}

const FIVE: Duration = Duration::minutes(5);

#[test]
fn an_unseen_reply_waits_for_the_delay_then_is_sent() {
    let replies = [reply(2, 0)];
    assert_eq!(follow_up(&replies, 1, 0, FIVE, T0), FollowUp::At(T0 + FIVE));
    let later = T0 + FIVE;
    assert_eq!(
        follow_up(&replies, 1, 0, FIVE, later),
        FollowUp::Send(Batch { seqs: vec![2] })
    );
}

#[test]
fn a_seen_reply_is_never_sent() {
    let replies = [reply(2, 0), reply(3, 1)];
    assert_eq!(
        follow_up(&replies, 3, 0, FIVE, T0 + FIVE * 10),
        FollowUp::Nothing
    );
}

#[test]
fn every_pending_reply_goes_in_one_batch_due_after_the_oldest() {
    let replies = [reply(2, 0), reply(4, 3), reply(6, 4)];
    let at = T0 + FIVE;
    assert_eq!(
        follow_up(&replies, 1, 0, FIVE, at),
        FollowUp::Send(Batch {
            seqs: vec![2, 4, 6]
        })
    );
}

#[test]
fn a_reply_after_a_sent_batch_starts_a_new_batch() {
    let replies = [reply(2, 0), reply(4, 10)];
    let at = T0 + Duration::minutes(11);
    assert_eq!(
        follow_up(&replies, 1, 2, FIVE, at),
        FollowUp::At(T0 + Duration::minutes(15))
    );
    assert_eq!(
        follow_up(&replies, 1, 2, FIVE, at + FIVE),
        FollowUp::Send(Batch { seqs: vec![4] })
    );
}

#[test]
fn the_ask_setting_decides_when_the_field_shows() {
    use AskEmail::*;
    assert!(!Never.shows_field(true, false));
    assert!(AlwaysOptional.shows_field(false, true));
    assert!(!AfterFirstMessageWhenNoExpertOnline.shows_field(false, false));
    assert!(!AfterFirstMessageWhenNoExpertOnline.shows_field(true, true));
    assert!(AfterFirstMessageWhenNoExpertOnline.shows_field(true, false));
    for ask in [Never, AfterFirstMessageWhenNoExpertOnline, AlwaysOptional] {
        assert_eq!(AskEmail::parse(ask.as_str()), ask);
    }
}

#[test]
fn settings_out_of_range_are_refused() {
    let ok = EmailSettings::default()
        .validate()
        .expect("defaults are valid");
    assert_eq!(ok.delay_minutes, DEFAULT_DELAY_MINUTES);
    for delay in [0, MAX_DELAY_MINUTES + 1] {
        let s = EmailSettings {
            delay_minutes: delay,
            ..EmailSettings::default()
        };
        assert!(s.validate().is_err(), "{delay}");
    }
    let long = EmailSettings {
        consent_fr: "é".repeat(MAX_CONSENT_CHARS + 1),
        ..EmailSettings::default()
    };
    assert!(long.validate().is_err());
    for url in [
        "javascript:alert(1)",
        "https://a.example/ x",
        "ftp://a.example",
    ] {
        let s = EmailSettings {
            site_url: url.to_owned(),
            ..EmailSettings::default()
        };
        assert_eq!(s.validate(), Err(DomainError::InvalidSiteUrl), "{url}");
    }
    let s = EmailSettings {
        site_url: " https://shop.example/help ".to_owned(),
        ..EmailSettings::default()
    };
    assert_eq!(
        s.validate().expect("valid").site_url,
        "https://shop.example/help"
    );
}

#[test]
fn french_consent_falls_back_to_english_when_empty() {
    let s = EmailSettings {
        consent_fr: String::new(),
        ..EmailSettings::default()
    };
    assert_eq!(s.consent("fr"), s.consent_en);
    assert_eq!(
        EmailSettings::default().consent("fr"),
        EmailSettings::default().consent_fr
    );
}

#[test]
fn transcripts_are_rate_limited() {
    assert_eq!(transcript_allowed(None, T0), Ok(()));
    assert_eq!(
        transcript_allowed(Some(T0), T0 + Duration::minutes(4)),
        Err(360)
    );
    assert_eq!(transcript_allowed(Some(T0), T0 + TRANSCRIPT_EVERY), Ok(()));
}

proptest! {
    /// Whatever the replies, read marker and sent marker: a batch holds exactly the
    /// replies above both markers, never one already seen or emailed, and sending it then
    /// leaves nothing to send (no second mail for the same replies).
    #[test]
    fn a_batch_is_exactly_the_pending_replies_and_is_sent_once(
        minutes in proptest::collection::vec(0i64..120, 0..12),
        read in 0u64..15,
        sent in 0u64..15,
        wait in 0i64..300,
    ) {
        let replies: Vec<Reply> = minutes
            .iter()
            .enumerate()
            .map(|(i, m)| reply(i as u64 + 1, *m))
            .collect();
        let now = T0 + Duration::minutes(wait);
        let pending: Vec<u64> = replies.iter().map(|r| r.seq).filter(|s| *s > read.max(sent)).collect();
        match follow_up(&replies, read, sent, FIVE, now) {
            FollowUp::Nothing => prop_assert!(pending.is_empty()),
            FollowUp::At(at) => {
                prop_assert!(at > now);
                prop_assert!(!pending.is_empty());
            }
            FollowUp::Send(batch) => {
                prop_assert_eq!(&batch.seqs, &pending);
                let after = follow_up(&replies, read, batch.last_seq(), FIVE, now);
                prop_assert_eq!(after, FollowUp::Nothing);
            }
        }
    }
}
