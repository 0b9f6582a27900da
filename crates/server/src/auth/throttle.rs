//! Failed-login throttling per account and per address, on counters in the database (so
//! it holds across the nodes of a cluster); the rule is `ebb_core::account::throttle`.
//! An unknown e-mail is counted like a known one, so a 429 tells nothing about accounts.

use std::net::IpAddr;

use ebb_core::account::throttle::{ACCOUNT_FAILURES, ADDRESS_FAILURES, Failures};
use ebb_core::{BrandId, Instant};
use ebb_store::Conn;
use ebb_store::login_failures::{self, Scope};

use crate::{ApiError, AppState};

/// Longest account key stored (an e-mail that did not parse is kept this long).
const MAX_SUBJECT_CHARS: usize = 300;

/// The counters one login attempt is checked against and counted in.
pub struct LoginKeys {
    brand: BrandId,
    account: String,
    address: Option<String>,
}

impl LoginKeys {
    /// The keys of a login to `brand` as `account` (kind and normalised e-mail) from `peer`.
    pub fn new(brand: BrandId, account: &str, peer: Option<IpAddr>) -> Self {
        Self {
            brand,
            account: account.chars().take(MAX_SUBJECT_CHARS).collect(),
            address: peer.map(|ip| ip.to_string()),
        }
    }

    fn scopes(&self) -> impl Iterator<Item = (Scope, &str, u32)> {
        let account = (Scope::Account, self.account.as_str(), ACCOUNT_FAILURES);
        let address = self
            .address
            .as_deref()
            .map(|a| (Scope::Address, a, ADDRESS_FAILURES));
        std::iter::once(account).chain(address)
    }

    /// Refuses with `LoginThrottled` while the account or the address is throttled.
    pub async fn check(&self, conn: &mut Conn, now: Instant) -> Result<(), ApiError> {
        let mut wait = None;
        for (scope, subject, limit) in self.scopes() {
            let found = login_failures::get(conn, self.brand, scope, subject).await?;
            if let Some(w) = found.and_then(|f| f.retry_after(limit, now)) {
                wait = Some(wait.map_or(w, |x: time::Duration| x.max(w)));
            }
        }
        match wait {
            Some(w) => {
                let secs = u64::try_from(w.whole_seconds()).unwrap_or(0).max(1);
                metrics::counter!("ebb_logins_throttled_total").increment(1);
                Err(ApiError::LoginThrottled(secs))
            }
            None => Ok(()),
        }
    }

    /// Counts one failed attempt for the account and the address.
    pub async fn failed(&self, state: &AppState) -> Result<(), ApiError> {
        let now = state.clock.now();
        let mut tx = state.store.begin().await?;
        for (scope, subject, _) in self.scopes() {
            let previous = login_failures::get(&mut tx, self.brand, scope, subject).await?;
            let next = Failures::record(previous, now);
            login_failures::put(&mut tx, self.brand, scope, subject, next).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Forgets the account's failures after a successful login (the address keeps its).
    pub async fn succeeded(&self, state: &AppState) -> Result<(), ApiError> {
        let mut tx = state.store.begin().await?;
        login_failures::clear(&mut tx, self.brand, Scope::Account, &self.account).await?;
        tx.commit().await?;
        Ok(())
    }
}
