//! Identities: opaque bearer tokens (random, stored only as SHA-256 hashes) for visitors,
//! expert and admin sessions and brand API keys, argon2 password hashes, the one login
//! check experts and admins share ([`log_in`]), and the extractors that check tokens.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use ebb_core::{Brand, BrandId, Email, Expert, VisitorId};
use ebb_store::admins::Admin;
use ebb_store::sessions::Holder;
use ebb_store::{Conn, StoreError, admins, api_keys, brands, experts, sessions, visitors};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{ApiError, AppState};

pub mod expiry;
pub mod throttle;

/// How long an expert or admin session lasts.
pub const SESSION_DAYS: i64 = 14;

/// A new random token: 32 bytes from the OS generator, hex-encoded.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash under which a token is stored.
pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Checks the bearer of `parts` against an operator-configured secret's hash: 404 (`what`
/// not found) when none is configured, 401 when the bearer is missing or another,
/// compared in constant time.
pub fn configured_secret(
    parts: &Parts,
    expected: Option<&[u8]>,
    what: &'static str,
) -> Result<(), ApiError> {
    use subtle::ConstantTimeEq;
    let expected = expected.ok_or(ApiError::NotFound(what))?;
    let given = bearer(parts)
        .map(hash_token)
        .ok_or(ApiError::Unauthorized)?;
    match bool::from(given.ct_eq(expected)) {
        true => Ok(()),
        false => Err(ApiError::Unauthorized),
    }
}

/// Hashes a password with argon2id (on a blocking thread: it is slow on purpose). Not
/// bounded: requests go through [`crate::passwords::Passwords`] instead; this is for the
/// command line and fixtures.
pub async fn hash_password(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|e| ApiError::Internal(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ApiError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
}

/// Checks a password against its stored hash (unbounded, like [`hash_password`]).
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// An account that logs in with its brand, e-mail and password, and holds sessions.
pub trait Account: Sized + Send {
    /// The kind of account, which keeps its failed-login counters apart.
    const KIND: &'static str;

    /// The account of `brand` with this e-mail that may log in, and its password hash.
    fn find(
        conn: &mut Conn,
        brand: BrandId,
        email: &str,
    ) -> impl Future<Output = Result<Option<(Self, String)>, StoreError>> + Send;

    /// Its brand and who its sessions belong to.
    fn holder(&self) -> (BrandId, Holder);
}

impl Account for Expert {
    const KIND: &'static str = "expert";

    /// Disabled and pending (invited, no password yet) experts may not log in.
    async fn find(
        conn: &mut Conn,
        brand: BrandId,
        email: &str,
    ) -> Result<Option<(Self, String)>, StoreError> {
        let Some(found) = experts::by_email(conn, brand, email).await? else {
            return Ok(None);
        };
        if found.1 == experts::PENDING_PASSWORD {
            return Ok(None);
        }
        let disabled = experts::disabled(conn, brand).await?.contains(&found.0.id);
        Ok(Some(found).filter(|_| !disabled))
    }

    fn holder(&self) -> (BrandId, Holder) {
        (self.brand_id, Holder::Expert(self.id))
    }
}

impl Account for Admin {
    const KIND: &'static str = "admin";

    async fn find(
        conn: &mut Conn,
        brand: BrandId,
        email: &str,
    ) -> Result<Option<(Self, String)>, StoreError> {
        admins::by_email(conn, brand, email).await
    }

    fn holder(&self) -> (BrandId, Holder) {
        (self.brand_id, Holder::Admin(self.id))
    }
}

/// The one login check: the brand by slug, the e-mail normalised (core's [`Email`]), the
/// failed-login throttle, the account, then the password, verified against a dummy hash
/// when there is no such account so every attempt costs one argon2 run; on success a new
/// session of [`SESSION_DAYS`]. Any miss is `Unauthorized`, without saying which part was
/// wrong. Returns the session token and the account.
pub async fn log_in<A: Account>(
    state: &AppState,
    brand: &str,
    email: &str,
    password: String,
    peer: Option<std::net::IpAddr>,
) -> Result<(String, A), ApiError> {
    let email = Email::parse(email).map(|e| e.as_str().to_owned());
    let mut conn = state.store.conn().await?;
    let brand = brands::by_slug(&mut conn, brand).await?;
    let keys = brand.as_ref().map(|b| {
        let key = email.clone().unwrap_or_else(|_| String::new());
        throttle::LoginKeys::new(b.id, &format!("{}:{key}", A::KIND), peer)
    });
    if let Some(keys) = &keys {
        keys.check(&mut conn, state.clock.now()).await?;
    }
    let found = match (&brand, &email) {
        (Some(b), Ok(email)) => A::find(&mut conn, b.id, email).await?,
        _ => None,
    };
    drop(conn);
    let (account, hash) = found.unzip();
    let verified = state.passwords.verify(password, hash).await?;
    let Some(account) = account.filter(|_| verified) else {
        if let Some(keys) = &keys {
            keys.failed(state).await?;
        }
        return Err(ApiError::Unauthorized);
    };
    if let Some(keys) = &keys {
        keys.succeeded(state).await?;
    }
    let token = open_session(state, account.holder()).await?;
    Ok((token, account))
}

/// Opens a new session of [`SESSION_DAYS`] for `holder` of `brand`: its token.
pub async fn open_session(
    state: &AppState,
    (brand, holder): (BrandId, Holder),
) -> Result<String, ApiError> {
    let token = new_token();
    let now = state.clock.now();
    let expires = now + time::Duration::days(SESSION_DAYS);
    let mut tx = state.store.begin().await?;
    sessions::open(&mut tx, &hash_token(&token), brand, holder, now, expires).await?;
    tx.commit().await?;
    Ok(token)
}

/// The expert or admin holding the live session `token`, if any.
async fn session_principal(state: &AppState, token: &str) -> Result<Option<Principal>, ApiError> {
    let mut conn = state.store.conn().await?;
    let now = state.clock.now();
    Ok(
        match sessions::holder(&mut conn, &hash_token(token), now).await? {
            Some((brand, Holder::Expert(id))) => experts::by_id(&mut conn, brand, id)
                .await?
                .map(Principal::Expert),
            Some((brand, Holder::Admin(id))) => admins::by_id(&mut conn, brand, id)
                .await?
                .map(Principal::Admin),
            None => None,
        },
    )
}

/// The bearer token of a request, if any.
pub fn bearer(parts: &Parts) -> Option<&str> {
    bearer_header(&parts.headers)
}

/// The bearer token in these headers, if any.
pub fn bearer_header(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The brand named by the `{brand}` path segment.
pub struct PathBrand(pub Brand);

impl FromRequestParts<AppState> for PathBrand {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound("brand"))?;
        let slug = params
            .iter()
            .find(|(k, _)| *k == "brand")
            .map(|(_, v)| v.to_owned())
            .ok_or(ApiError::NotFound("brand"))?;
        let mut conn = state.store.conn().await?;
        let brand = brands::by_slug(&mut conn, &slug).await?;
        brand.map(Self).ok_or(ApiError::NotFound("brand"))
    }
}

/// A visitor of the path's brand, authenticated by their token.
pub struct VisitorAuth {
    /// The brand from the path.
    pub brand: Brand,
    /// The visitor.
    pub visitor: VisitorId,
}

impl FromRequestParts<AppState> for VisitorAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let PathBrand(brand) = PathBrand::from_request_parts(parts, state).await?;
        // Same rule as the widget's WebSocket: a browser page must be the brand's.
        crate::ws::check_origin(state, brand.id, &parts.headers).await?;
        let token = bearer(parts).ok_or(ApiError::Unauthorized)?;
        let mut conn = state.store.conn().await?;
        let visitor = visitors::by_token(&mut conn, brand.id, &hash_token(token)).await?;
        let visitor = visitor.ok_or(ApiError::Unauthorized)?;
        state.limits.check_visitor(visitor)?;
        Ok(Self { brand, visitor })
    }
}

/// Defines the extractor of a session holder: the bearer token must name a live session of
/// the given [`Principal`] variant, else the request is unauthorized.
macro_rules! session_auth {
    ($(#[$meta:meta])* $name:ident($holder:ty) = $variant:path) => {
        $(#[$meta])*
        pub struct $name(pub $holder);

        impl FromRequestParts<AppState> for $name {
            type Rejection = ApiError;

            async fn from_request_parts(
                parts: &mut Parts,
                state: &AppState,
            ) -> Result<Self, ApiError> {
                let token = bearer(parts).ok_or(ApiError::Unauthorized)?;
                match session_principal(state, token).await? {
                    Some($variant(holder)) => Ok(Self(holder)),
                    _ => Err(ApiError::Unauthorized),
                }
            }
        }
    };
}

session_auth!(
    /// An expert authenticated by their session token; their brand comes from the session.
    ExpertAuth(Expert) = Principal::Expert
);

session_auth!(
    /// A brand admin authenticated by their session token; their brand comes from the session.
    AdminAuth(Admin) = Principal::Admin
);

/// A brand's server, authenticated by one of the brand's live API keys.
pub struct ApiKeyAuth(pub Brand);

impl FromRequestParts<AppState> for ApiKeyAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts).ok_or(ApiError::Unauthorized)?;
        let mut conn = state.store.conn().await?;
        let brand = api_keys::brand_for(&mut conn, &hash_token(token)).await?;
        let brand = match brand {
            Some(id) => brands::by_id(&mut conn, id).await?,
            None => None,
        };
        brand.map(Self).ok_or(ApiError::Unauthorized)
    }
}

/// Who holds a token, for the WebSocket (which takes any kind but API keys).
#[derive(Clone, Debug)]
pub enum Principal {
    /// A visitor of `brand`.
    Visitor {
        /// Their brand.
        brand: Brand,
        /// The visitor.
        visitor: VisitorId,
    },
    /// An expert.
    Expert(Expert),
    /// A brand admin.
    Admin(Admin),
}

impl Principal {
    /// The principal's brand.
    pub fn brand_id(&self) -> ebb_core::BrandId {
        match self {
            Self::Visitor { brand, .. } => brand.id,
            Self::Expert(e) => e.brand_id,
            Self::Admin(a) => a.brand_id,
        }
    }

    /// May this principal see `conv`? Visitors their own, experts those they own,
    /// admins their whole brand; never another brand's.
    pub fn can_see(&self, conv: &ebb_core::Conversation) -> bool {
        conv.brand_id == self.brand_id()
            && match self {
                Self::Visitor { visitor, .. } => conv.visitor_id == *visitor,
                Self::Expert(e) => conv.state.owner() == Some(e.id),
                Self::Admin(_) => true,
            }
    }

    /// The conversation side this principal reads and types as.
    pub fn side(&self) -> ebb_store::reads::Side {
        match self {
            Self::Visitor { .. } => ebb_store::reads::Side::Visitor,
            Self::Expert(_) | Self::Admin(_) => ebb_store::reads::Side::Expert,
        }
    }

    /// Resolves `token`: a visitor token when `brand_slug` is given, else a session.
    pub async fn resolve(
        state: &AppState,
        token: &str,
        brand_slug: Option<&str>,
    ) -> Result<Self, ApiError> {
        if let Some(slug) = brand_slug {
            let mut conn = state.store.conn().await?;
            let brand = brands::by_slug(&mut conn, slug)
                .await?
                .ok_or(ApiError::NotFound("brand"))?;
            let visitor = visitors::by_token(&mut conn, brand.id, &hash_token(token)).await?;
            let visitor = visitor.ok_or(ApiError::Unauthorized)?;
            return Ok(Self::Visitor { brand, visitor });
        }
        session_principal(state, token)
            .await?
            .ok_or(ApiError::Unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), hash_token(&b));
    }

    #[tokio::test]
    async fn passwords_verify_only_themselves() {
        let hash = hash_password("correct horse".into()).await.expect("hash");
        assert!(verify_password("correct horse".into(), hash.clone()).await);
        assert!(!verify_password("wrong".into(), hash).await);
        assert!(!verify_password("x".into(), "not a hash".into()).await);
    }
}
