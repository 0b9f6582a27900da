//! Argon2 with bounded concurrency: every password hash and check a request causes runs
//! through one [`Passwords`] gate (a semaphore sized to the cores), so a burst of logins
//! waits instead of taking ~19 MiB each at once; past the queue bound it answers 503.
//! Counters of runs in flight, their peak and verifications are exposed for tests and
//! `/metrics`.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use tokio::sync::Semaphore;

use crate::ApiError;
use crate::auth::{hash_password, verify_password};

/// How many argon2 runs may wait for a permit before new ones are refused with 503.
pub const DEFAULT_QUEUE: usize = 64;

/// The default bound: the machine's cores (1 when unknown).
pub fn default_concurrency() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// The gate every request-driven argon2 run goes through, with its counters.
#[derive(Debug)]
pub struct Passwords {
    permits: Semaphore,
    bound: usize,
    /// How many runs may wait for a permit.
    queue: usize,
    waiting: AtomicUsize,
    running: AtomicUsize,
    peak: AtomicUsize,
    verifications: AtomicU64,
}

impl Passwords {
    /// At most `concurrency` runs at once (at least 1), at most `queue` waiting.
    pub fn new(concurrency: usize, queue: usize) -> Self {
        let bound = concurrency.max(1);
        Self {
            permits: Semaphore::new(bound),
            bound,
            queue,
            waiting: AtomicUsize::new(0),
            running: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            verifications: AtomicU64::new(0),
        }
    }

    /// How many runs may be in flight at once.
    pub fn bound(&self) -> usize {
        self.bound
    }

    /// The most runs that were ever in flight at once.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// How many password verifications ran (against a real or the dummy hash).
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::SeqCst)
    }

    /// Hashes `password` with argon2id once a permit is free.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        let _run = self.enter().await?;
        hash_password(password).await
    }

    /// Checks `password` against `hash`, or against a dummy hash when there is no account
    /// (so an unknown e-mail costs the same argon2 run as a known one).
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, ApiError> {
        let _run = self.enter().await?;
        let known = hash.is_some();
        let hash = match hash {
            Some(hash) => hash,
            None => dummy_hash().await?,
        };
        self.verifications.fetch_add(1, Ordering::SeqCst);
        Ok(verify_password(password, hash).await && known)
    }

    /// Takes a free permit, or waits for one unless [`Self::queue`] runs already wait
    /// (then 503), and counts the run.
    async fn enter(&self) -> Result<Run<'_>, ApiError> {
        let permit = match self.permits.try_acquire() {
            Ok(permit) => permit,
            Err(_) => {
                if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.queue {
                    self.waiting.fetch_sub(1, Ordering::SeqCst);
                    metrics::counter!("ebb_argon2_refused_total").increment(1);
                    return Err(ApiError::Unavailable);
                }
                let permit = self.permits.acquire().await;
                self.waiting.fetch_sub(1, Ordering::SeqCst);
                permit.map_err(|_| ApiError::Unavailable)?
            }
        };
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        metrics::gauge!("ebb_argon2_running").set(now as f64);
        Ok(Run {
            gate: self,
            _permit: permit,
        })
    }
}

/// One argon2 run in flight: gives its permit back when dropped.
struct Run<'a> {
    gate: &'a Passwords,
    _permit: tokio::sync::SemaphorePermit<'a>,
}

impl Drop for Run<'_> {
    fn drop(&mut self) {
        let now = self.gate.running.fetch_sub(1, Ordering::SeqCst) - 1;
        metrics::gauge!("ebb_argon2_running").set(now as f64);
    }
}

/// A hash of a random password with the same parameters as real ones, made once.
async fn dummy_hash() -> Result<String, ApiError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash.clone());
    }
    let hash = hash_password(crate::auth::new_token()).await?;
    Ok(DUMMY.get_or_init(|| hash).clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unknown_account_never_verifies_but_still_costs_a_run() {
        let gate = Passwords::new(1, 4);
        assert!(!gate.verify("anything".into(), None).await.expect("ran"));
        let hash = gate.hash("correct horse".into()).await.expect("hash");
        assert!(
            gate.verify("correct horse".into(), Some(hash))
                .await
                .expect("ran")
        );
        assert_eq!(gate.verifications(), 2);
        assert_eq!(gate.peak(), 1);
    }

    #[tokio::test]
    async fn past_the_queue_bound_a_run_is_refused_with_503() {
        let gate = Passwords::new(1, 0);
        let busy = gate.enter().await.expect("the one permit");
        let refused = gate.verify("x".into(), None).await;
        assert!(matches!(refused, Err(ApiError::Unavailable)), "{refused:?}");
        drop(busy);
        assert!(gate.verify("x".into(), None).await.is_ok());
        assert_eq!(gate.peak(), 1);
    }
}
