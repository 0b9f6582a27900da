//! The brand's words in the widget, per language: which language the widget speaks
//! (fixed, or the browser's), the greeting shown before the first message, and the
//! automatic message, each settable per language with the brand default as fallback.

use crate::DomainError;
use crate::account::invalid;
use crate::brand::BrandSettings;

/// The longest greeting, in characters.
pub const MAX_GREETING_CHARS: usize = 500;

/// A language the widget has texts for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locale {
    /// English.
    En,
    /// French.
    Fr,
}

impl Locale {
    /// Every supported language, the default first.
    pub const ALL: [Self; 2] = [Self::En, Self::Fr];

    /// The language code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
        }
    }

    /// The supported language of a BCP 47 tag (`fr-CA` -> French), if any.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        Self::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(primary))
    }

    /// The first supported language of an `Accept-Language` value, most preferred first
    /// (see [`preferred_tags`]).
    pub fn from_accept_language(header: &str) -> Option<Self> {
        preferred_tags(header).into_iter().find_map(Self::from_tag)
    }
}

/// The language tags of an `Accept-Language` value, most preferred first: by quality
/// value (`q=`, 1 when absent), ties in the order given. The one reading of the header
/// for the widget's texts and the office-hours wording.
pub fn preferred_tags(header: &str) -> Vec<&str> {
    let mut tags: Vec<(f32, usize, &str)> = header
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut bits = part.trim().split(';');
            let tag = bits.next()?.trim();
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            Some((q, i, tag))
        })
        .collect();
    tags.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    tags.into_iter().map(|(_, _, tag)| tag).collect()
}

/// The brand's choice of widget language: fixed, or the visitor's browser's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum WidgetLocale {
    /// The browser's language when supported, else English.
    #[default]
    Auto,
    /// Always this language.
    Fixed(Locale),
}

impl WidgetLocale {
    /// Parses `auto`, `en` or `fr`.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        match text {
            "auto" => Ok(Self::Auto),
            _ => Locale::ALL
                .into_iter()
                .find(|l| l.as_str() == text)
                .map(Self::Fixed)
                .ok_or_else(|| invalid("locale", "must be auto, en or fr")),
        }
    }

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Fixed(l) => l.as_str(),
        }
    }

    /// The language to use for a visitor whose browser asks for `accept_language`.
    pub fn resolve(self, accept_language: Option<&str>) -> Locale {
        match self {
            Self::Fixed(l) => l,
            Self::Auto => accept_language
                .and_then(Locale::from_accept_language)
                .unwrap_or(Locale::En),
        }
    }
}

/// A brand's texts for one language; `None` falls back to the brand default.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LocaleTexts {
    /// The greeting in this language.
    pub greeting: Option<String>,
    /// The automatic message in this language (may hold the reply-time placeholder).
    pub auto_message: Option<String>,
}

/// Everything the brand says in the widget.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct WidgetTexts {
    /// Which language the widget speaks.
    pub locale: WidgetLocale,
    /// The default greeting shown before the first message (empty: none).
    pub greeting: String,
    /// Per-language overrides.
    pub per_locale: Vec<(Locale, LocaleTexts)>,
}

impl WidgetTexts {
    /// Checks lengths: greetings up to [`MAX_GREETING_CHARS`], automatic messages as long
    /// as a message may be.
    pub fn validate(&self) -> Result<(), DomainError> {
        let long = |t: &str, max: usize| t.trim().chars().count() > max;
        let max_msg = crate::message::MAX_MESSAGE_CHARS;
        let greetings = std::iter::once(Some(self.greeting.as_str()))
            .chain(self.per_locale.iter().map(|(_, t)| t.greeting.as_deref()));
        if greetings.flatten().any(|g| long(g, MAX_GREETING_CHARS)) {
            return Err(invalid("greeting", "must be at most 500 characters"));
        }
        let autos = self
            .per_locale
            .iter()
            .filter_map(|(_, t)| t.auto_message.as_deref());
        if autos.into_iter().any(|a| long(a, max_msg)) {
            return Err(invalid("auto_message", "must be at most 4000 characters"));
        }
        Ok(())
    }

    fn of(&self, locale: Locale) -> Option<&LocaleTexts> {
        self.per_locale
            .iter()
            .find(|(l, _)| *l == locale)
            .map(|(_, t)| t)
    }

    /// The greeting in `locale`, else the default.
    pub fn greeting(&self, locale: Locale) -> &str {
        self.of(locale)
            .and_then(|t| t.greeting.as_deref())
            .filter(|g| !g.trim().is_empty())
            .unwrap_or(&self.greeting)
    }

    /// The automatic message in `locale` (placeholder filled), else the brand's.
    pub fn auto_message(&self, locale: Locale, settings: &BrandSettings) -> String {
        match self.of(locale).and_then(|t| t.auto_message.as_deref()) {
            Some(text) if !text.trim().is_empty() => BrandSettings {
                auto_message: text.to_owned(),
                ..settings.clone()
            }
            .render_auto_message(),
            _ => settings.render_auto_message(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_come_from_the_brand_or_the_browser() {
        assert_eq!(
            Locale::from_accept_language("fr-FR,fr;q=0.9,en;q=0.8"),
            Some(Locale::Fr)
        );
        assert_eq!(
            Locale::from_accept_language("de-DE, en-GB;q=0.5"),
            Some(Locale::En)
        );
        assert_eq!(Locale::from_accept_language("de"), None);
        // Quality values count, as in the office-hours wording: the same header, one reading.
        assert_eq!(
            Locale::from_accept_language("fr;q=0.2, en;q=0.9"),
            Some(Locale::En)
        );
        assert_eq!(preferred_tags("a;q=0.5, b, c;q=0.5"), ["b", "a", "c"]);
        let auto = WidgetLocale::parse("auto").expect("auto");
        assert_eq!(auto.resolve(Some("fr-CA")), Locale::Fr);
        assert_eq!(auto.resolve(Some("de")), Locale::En);
        assert_eq!(auto.resolve(None), Locale::En);
        let fixed = WidgetLocale::parse("fr").expect("fr");
        assert_eq!(fixed.resolve(Some("en-US")), Locale::Fr);
        assert!(WidgetLocale::parse("de").is_err());
        assert_eq!(fixed.as_str(), "fr");
    }

    #[test]
    fn per_language_texts_fall_back_to_the_brand_default() {
        let settings = BrandSettings::default();
        let fr = LocaleTexts {
            greeting: Some("Bonjour !".into()),
            auto_message: Some("Réponse en {typical_reply_time}".into()),
        };
        let texts = WidgetTexts {
            greeting: "Hello!".into(),
            per_locale: vec![(Locale::Fr, fr)],
            ..WidgetTexts::default()
        };
        assert_eq!(texts.greeting(Locale::Fr), "Bonjour !");
        assert_eq!(texts.greeting(Locale::En), "Hello!");
        let expected = format!("Réponse en {}", settings.typical_reply_time);
        assert_eq!(texts.auto_message(Locale::Fr, &settings), expected);
        assert_eq!(
            texts.auto_message(Locale::En, &settings),
            settings.render_auto_message()
        );
        assert!(texts.validate().is_ok());
        let long = WidgetTexts {
            greeting: "x".repeat(501),
            ..texts
        };
        assert!(long.validate().is_err());
    }
}
