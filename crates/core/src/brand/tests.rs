//! Brand settings: the automatic message, and every setting's allowed range.

use super::*;
#[test]
fn auto_message_fills_the_placeholder() {
    let settings = BrandSettings {
        auto_message: "Back in {typical_reply_time}, promise.".into(),
        typical_reply_time: "two hours".into(),
        ..BrandSettings::default()
    };
    assert_eq!(
        settings.render_auto_message(),
        "Back in two hours, promise."
    );
}

#[test]
fn default_message_mentions_the_reply_time() {
    let text = BrandSettings::default().render_auto_message();
    assert!(text.contains("a few hours"));
    assert!(!text.contains('{'));
}

fn with(change: impl FnOnce(&mut BrandSettings)) -> Result<BrandSettings, DomainError> {
    let mut settings = BrandSettings::default();
    change(&mut settings);
    settings.validated()
}

fn range_error(
    setting: &'static str,
    range: &RangeInclusive<i64>,
    unit: &'static str,
) -> DomainError {
    DomainError::InvalidSetting {
        setting,
        min: *range.start(),
        max: *range.end(),
        unit,
    }
}

#[test]
fn the_defaults_are_valid() {
    assert_eq!(with(|_| {}), Ok(BrandSettings::default()));
}

#[test]
fn numbers_are_accepted_at_their_bounds_and_refused_just_outside() {
    type Set = fn(&mut BrandSettings, i64);
    let cases: [(&str, &RangeInclusive<i64>, Set); 4] = [
        ("max_snooze_days", &MAX_SNOOZE_DAYS, |s, v| {
            s.max_snooze_days = v
        }),
        ("offline_grace_minutes", &OFFLINE_GRACE_MINUTES, |s, v| {
            s.offline_grace_minutes = v;
        }),
        ("purchase_window_hours", &PURCHASE_WINDOW_HOURS, |s, v| {
            s.purchase_window_hours = v;
        }),
        ("snooze_budget", &SNOOZE_BUDGET, |s, v| {
            s.snooze_budget = u32::try_from(v).expect("small");
        }),
    ];
    for (name, range, set) in cases {
        for ok in [*range.start(), *range.end()] {
            assert!(with(|s| set(s, ok)).is_ok(), "{name} = {ok}");
        }
        let mut outside = vec![range.end() + 1];
        if *range.start() > 0 {
            outside.push(range.start() - 1);
        }
        for bad in outside {
            assert_eq!(
                with(|s| set(s, bad)),
                Err(range_error(name, range, "")),
                "{name} = {bad}"
            );
        }
    }
    assert_eq!(
        with(|s| s.max_snooze_days = -5),
        Err(range_error("max_snooze_days", &MAX_SNOOZE_DAYS, ""))
    );
    assert_eq!(
        with(|s| s.offline_grace_minutes = -1),
        Err(range_error(
            "offline_grace_minutes",
            &OFFLINE_GRACE_MINUTES,
            ""
        ))
    );
}

#[test]
fn texts_must_be_present_and_not_too_long() {
    let texts = " characters";
    let message = range_error("auto_message", &AUTO_MESSAGE_CHARS, texts);
    assert_eq!(
        with(|s| s.auto_message = "   ".into()),
        Err(message.clone())
    );
    assert_eq!(with(|s| s.auto_message = "é".repeat(2001)), Err(message));
    assert!(
        with(|s| s.auto_message = "é".repeat(2000)).is_ok(),
        "characters, not bytes"
    );
    let reply = range_error("typical_reply_time", &TYPICAL_REPLY_TIME_CHARS, texts);
    assert_eq!(
        with(|s| s.typical_reply_time = " ".into()),
        Err(reply.clone())
    );
    assert_eq!(with(|s| s.typical_reply_time = "x".repeat(101)), Err(reply));
    let trimmed = with(|s| s.typical_reply_time = "  two hours ".into()).expect("valid");
    assert_eq!(trimmed.typical_reply_time, "two hours");
}

#[test]
fn range_errors_read_as_plain_sentences() {
    let err = with(|s| s.auto_message = String::new()).expect_err("empty");
    assert_eq!(err.to_string(), "auto_message must be 1 to 2000 characters");
    let err = with(|s| s.snooze_budget = 0).expect_err("zero");
    assert_eq!(err.to_string(), "snooze_budget must be 1 to 10");
}

#[test]
fn the_budget_follows_the_settings() {
    let settings = with(|s| {
        s.snooze_budget = 3;
        s.snooze_budget_mode = BudgetMode::Refuse;
    })
    .expect("valid");
    assert_eq!(
        settings.budget(),
        SnoozeBudget {
            budget: 3,
            mode: BudgetMode::Refuse
        }
    );
}

#[test]
fn origins_are_scheme_and_authority_only() {
    let parse = |o: &str| parse_origins(&[o.to_owned()]);
    assert_eq!(
        parse("https://Shop.example/"),
        Ok(vec!["https://shop.example".to_owned()])
    );
    assert!(parse("http://127.0.0.1:8080").is_ok());
    for bad in [
        "shop.example",
        "https://shop.example/path",
        "ftp://shop.example",
        "https://",
    ] {
        assert_eq!(
            parse(bad),
            Err(DomainError::InvalidOrigin(bad.to_owned())),
            "{bad}"
        );
    }
    let many = vec!["https://a.example".to_owned(); MAX_ORIGINS + 1];
    assert_eq!(
        parse_origins(&many),
        Err(DomainError::TooManyOrigins { max: MAX_ORIGINS })
    );
}
