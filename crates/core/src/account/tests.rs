//! The slug, name, e-mail and password rules.

use super::*;

fn rule_of(err: DomainError) -> (&'static str, &'static str) {
    match err {
        DomainError::InvalidAccount { field, rule } => (field, rule),
        other => panic!("not an account error: {other:?}"),
    }
}

#[test]
fn slugs_are_short_lowercase_words_with_dashes() {
    for ok in ["demo", "acme-outdoor", "a1", "shop-2", &"x".repeat(40)] {
        assert_eq!(BrandSlug::parse(ok).map(|s| s.0), Ok(ok.to_owned()), "{ok}");
    }
    let long = "x".repeat(41);
    for bad in [
        "", "a", "Acme", "-acme", "acme-", "ac me", "acme_co", "acmé", "ac\0me", "acme\n", &long,
    ] {
        let err = BrandSlug::parse(bad).expect_err(bad);
        assert_eq!(rule_of(err).0, "slug", "{bad:?}");
    }
}

#[test]
fn names_are_trimmed_and_free_of_control_characters() {
    assert_eq!(
        DisplayName::parse("  Acme Outdoor  ").map(|n| n.0),
        Ok("Acme Outdoor".to_owned())
    );
    assert!(
        DisplayName::parse(&"é".repeat(100)).is_ok(),
        "counts characters"
    );
    for bad in ["", "   ", "Ac\u{7}me", "Ac\0me", "two\nlines"] {
        assert!(DisplayName::parse(bad).is_err(), "{bad:?}");
    }
    assert!(DisplayName::parse(&"n".repeat(101)).is_err());
}

#[test]
fn emails_are_lowercased_and_need_a_local_part_and_a_dotted_domain() {
    assert_eq!(
        Email::parse(" Ada@Example.COM ").map(|e| e.0),
        Ok("ada@example.com".to_owned())
    );
    assert!(Email::parse("admin@demo.ebb").is_ok());
    let long = format!("{}@example.com", "a".repeat(243));
    for bad in [
        "",
        "ada",
        "@example.com",
        "ada@",
        "ada@example",
        "ada@.com",
        "ada@example.",
        "a@b@example.com",
        "ada lovelace@example.com",
        "ada@exa\0mple.com",
        "ada\t@example.com",
        &long,
    ] {
        let err = Email::parse(bad).expect_err(bad);
        assert_eq!(rule_of(err).0, "email", "{bad:?}");
    }
    assert!(
        Email::parse(&format!("{}@example.com", "a".repeat(242))).is_ok(),
        "254 bytes"
    );
}

#[test]
fn passwords_need_ten_characters_and_no_control_characters() {
    assert!(Password::parse("correct horse").is_ok());
    assert!(Password::parse("ten chars!").is_ok(), "exactly 10");
    assert!(
        Password::parse("éééééééééé").is_ok(),
        "counts characters, not bytes"
    );
    let (field, rule) = rule_of(Password::parse("nine char").expect_err("9"));
    assert_eq!((field, rule), ("password", "must be 10 to 256 characters"));
    assert!(Password::parse(&"p".repeat(257)).is_err());
    for bad in ["correct\0horse", "correct horse\n", "correct\u{1b}horse"] {
        let (_, rule) = rule_of(Password::parse(bad).expect_err(bad));
        assert_eq!(rule, "must not contain control characters", "{bad:?}");
    }
}

#[test]
fn a_password_never_shows_in_debug_output() {
    let pw = Password::parse("correct horse").expect("valid");
    assert_eq!(format!("{pw:?}"), "Password(***)");
    assert_eq!(pw.expose(), "correct horse");
}

#[test]
fn errors_read_as_one_sentence() {
    let err = Password::parse("short").expect_err("short");
    assert_eq!(err.to_string(), "the password must be 10 to 256 characters");
}
