//! Provisioning a real brand: creating a brand and its first admin, and resetting an
//! admin's password (which ends their sessions). Used by the `ebb brand` and `ebb admin`
//! commands; the rules themselves live in `ebb_core::account`.

use ebb_core::{Brand, BrandSettings, BrandSlug, DisplayName, Email, Instant, Password};
use ebb_store::admins::{self, Admin};
use ebb_store::sessions::{self, Holder};
use ebb_store::{Store, brands};
use rand::Rng;

use crate::ApiError;
use crate::passwords::Passwords;

/// Letters and digits of generated passwords, without look-alikes (`0`/`O`, `1`/`l`/`I`).
const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// Length of generated passwords: about 117 bits.
const GENERATED_CHARS: usize = 20;

/// Where a new password comes from.
pub enum NewPassword {
    /// Given by the operator (e.g. read from standard input); checked against the policy.
    Given(String),
    /// Generated here; shown to the operator once.
    Generate,
}

impl NewPassword {
    /// The checked password, and whether it was generated (so must be shown).
    fn resolve(self) -> Result<(Password, bool), ApiError> {
        match self {
            Self::Given(text) => Ok((Password::parse(&text)?, false)),
            Self::Generate => Ok((Password::parse(&generate())?, true)),
        }
    }
}

/// A random password from [`ALPHABET`], [`GENERATED_CHARS`] long.
fn generate() -> String {
    let mut rng = rand::rng();
    (0..GENERATED_CHARS)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// The result of creating an admin or setting their password.
pub struct AdminPassword {
    /// The admin.
    pub admin: Admin,
    /// The password when it was generated (to show once); `None` when it was given.
    pub generated: Option<String>,
    /// How many of their sessions were ended (0 for a new admin).
    pub sessions_ended: u64,
}

/// Creates the brand `slug` named `name` with default settings.
pub async fn create_brand(
    store: &Store,
    slug: &str,
    name: &str,
    now: Instant,
) -> Result<Brand, ApiError> {
    let brand = Brand {
        id: ebb_store::ids::new_id(),
        slug: BrandSlug::parse(slug)?.as_str().to_owned(),
        name: DisplayName::parse(name)?.as_str().to_owned(),
        settings: BrandSettings::default(),
    };
    let mut tx = store.begin().await?;
    brands::insert(&mut tx, &brand, now).await?;
    tx.commit().await?;
    Ok(brand)
}

/// Creates an admin of the brand `slug` with this e-mail and name, hashing the password
/// through `gate`.
pub async fn create_admin(
    (store, gate): (&Store, &Passwords),
    slug: &str,
    email: &str,
    name: &str,
    password: NewPassword,
    now: Instant,
) -> Result<AdminPassword, ApiError> {
    let email = Email::parse(email)?;
    let name = DisplayName::parse(name)?;
    let (password, generated) = password.resolve()?;
    let brand = brand_by_slug(store, slug).await?;
    let admin = Admin {
        id: ebb_store::ids::new_id(),
        brand_id: brand.id,
        email: email.as_str().to_owned(),
        name: name.as_str().to_owned(),
    };
    let hash = gate.hash(password.expose().to_owned()).await?;
    let mut tx = store.begin().await?;
    admins::insert(&mut tx, &admin, &hash, now).await?;
    tx.commit().await?;
    Ok(AdminPassword {
        admin,
        generated: generated.then(|| password.expose().to_owned()),
        sessions_ended: 0,
    })
}

/// Gives the admin of brand `slug` with this e-mail a new password (hashed through `gate`)
/// and ends all their sessions, in one transaction.
pub async fn reset_admin_password(
    (store, gate): (&Store, &Passwords),
    slug: &str,
    email: &str,
    password: NewPassword,
) -> Result<AdminPassword, ApiError> {
    let email = Email::parse(email)?;
    let (password, generated) = password.resolve()?;
    let brand = brand_by_slug(store, slug).await?;
    let mut conn = store.conn().await?;
    let found = admins::by_email(&mut conn, brand.id, email.as_str()).await?;
    drop(conn);
    let Some((admin, _)) = found else {
        return Err(ApiError::NotFound("admin with this e-mail in this brand"));
    };
    let hash = gate.hash(password.expose().to_owned()).await?;
    let mut tx = store.begin().await?;
    if !admins::set_password(&mut tx, brand.id, admin.id, &hash).await? {
        return Err(ApiError::NotFound("admin with this e-mail in this brand"));
    }
    let sessions_ended = sessions::close_all(&mut tx, brand.id, Holder::Admin(admin.id)).await?;
    tx.commit().await?;
    Ok(AdminPassword {
        admin,
        generated: generated.then(|| password.expose().to_owned()),
        sessions_ended,
    })
}

/// The brand with this slug, or a not-found error naming it.
async fn brand_by_slug(store: &Store, slug: &str) -> Result<Brand, ApiError> {
    let mut conn = store.conn().await?;
    brands::by_slug(&mut conn, slug)
        .await?
        .ok_or(ApiError::NotFound("brand with this slug"))
}

/// One line for an operator: the error's message, with a server fault's cause.
pub fn explain(err: &ApiError) -> String {
    match err {
        ApiError::Internal(cause) => format!("internal error: {cause}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_pass_the_policy_and_differ() {
        let (a, b) = (generate(), generate());
        assert!(Password::parse(&a).is_ok(), "{a}");
        assert_eq!(a.chars().count(), GENERATED_CHARS);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)), "{a}");
        assert_ne!(a, b);
    }
}
