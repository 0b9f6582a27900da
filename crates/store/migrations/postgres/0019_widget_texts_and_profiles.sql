-- What the widget shows (postgres): an expert's public profile (display name and https avatar,
-- NULL = the account name and initials), the brand's widget language (auto|en|fr) and
-- greeting, per-language greeting and automatic message (NULL = the brand default), and
-- the language a visitor's widget last used (for the automatic message of a follow-up).
ALTER TABLE experts ADD COLUMN display_name TEXT;
ALTER TABLE experts ADD COLUMN avatar_url TEXT;
ALTER TABLE brands ADD COLUMN widget_locale TEXT NOT NULL DEFAULT 'auto';
ALTER TABLE brands ADD COLUMN greeting TEXT NOT NULL DEFAULT '';
ALTER TABLE visitors ADD COLUMN locale TEXT;
CREATE TABLE brand_texts (
    brand_id UUID NOT NULL REFERENCES brands(id),
    locale TEXT NOT NULL,
    greeting TEXT,
    auto_message TEXT,
    PRIMARY KEY (brand_id, locale)
);
