//! Password rules and argon2id hashing on a bounded pool off the async runtime.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::Params;
use tokio::sync::oneshot;

use super::{argon2id, common_passwords};
use crate::config::PasswordRules;
use crate::error::Error;
use crate::metrics;

/// The rules every new password must meet, on sign-up and on any later change.
///
/// Beyond length, a password from the list of common ones is the first thing any attacker
/// tries, and one that contains the address's local part or the person's name is the first
/// thing an attacker who knows them tries.
pub fn check_password(
    rules: &PasswordRules,
    password: &str,
    personal: &[&str],
) -> Result<(), Error> {
    let length = password.chars().count();
    if length < rules.min_length {
        return Err(Error::WeakPassword("too_short"));
    }
    if length > rules.max_length {
        return Err(Error::WeakPassword("too_long"));
    }
    if common_passwords::is_common(password) {
        return Err(Error::WeakPassword("too_common"));
    }
    let lowered = password.to_lowercase();
    let personal_hit = personal
        .iter()
        .map(|word| word.trim().to_lowercase())
        .any(|word| word.chars().count() >= 3 && lowered.contains(&word));
    if personal_hit {
        return Err(Error::WeakPassword("contains_personal_data"));
    }
    Ok(())
}

/// Adds `password`'s fault to `fields` when a password was typed and breaks the rules that do
/// not depend on the other fields (length, common passwords): a form refused for another field
/// then reports the password's fault too, instead of after the next try.
pub fn weak_password_too(
    rules: &PasswordRules,
    password: &str,
    fields: &mut crate::error::FieldErrors,
) {
    if password.trim().is_empty() || fields.contains_key("password") {
        return;
    }
    if let Err(Error::WeakPassword(reason)) = check_password(rules, password, &[]) {
        fields.insert("password", reason);
    }
}

/// Hashes and verifies passwords with argon2id (m=19456 KiB, t=2, p=1).
///
/// A hash costs tens of milliseconds of CPU and 19 MiB of memory, so it runs on `workers`
/// dedicated threads, at most `max_waiting` more wait for a turn, and anything beyond that is
/// told `busy` at once: a flood of sign-ups must not queue without bound or slow the cheap
/// routes, which never wait here. Dedicated threads also bound memory: on ever-new blocking
/// threads the allocator would keep an arena of hash memory per thread.
#[derive(Clone)]
pub struct PasswordHasher {
    /// A hash of nothing anyone knows, verified for unknown addresses so that signing in
    /// with one takes as long as with a real account.
    dummy: Arc<tokio::sync::OnceCell<String>>,
    jobs: SyncSender<Job>,
    /// Jobs handed over and not yet finished, to refuse early without touching the queue.
    in_flight: Arc<AtomicUsize>,
    capacity: usize,
    params: Params,
}

type Job = Box<dyn FnOnce() + Send>;

impl PasswordHasher {
    /// A pool of `workers` hashing threads with room for `max_waiting` queued requests.
    pub fn new(workers: usize, max_waiting: usize) -> Self {
        Self::with_params(workers, max_waiting, argon2_params())
    }

    /// As `new`, with other argon2 costs (tests and benchmarks simulate slow hardware).
    pub fn with_params(workers: usize, max_waiting: usize, params: Params) -> Self {
        let (jobs, queue) = sync_channel::<Job>(max_waiting);
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..workers.max(1) {
            let queue = queue.clone();
            // The threads end when the last handle to the pool is dropped.
            let spawned = std::thread::Builder::new()
                .name(format!("doorstep-hash-{n}"))
                .spawn(move || {
                    while let Some(job) = next_job(&queue) {
                        job();
                    }
                });
            if let Err(err) = spawned {
                log::error!("starting a password hashing thread: {err}");
            }
        }
        PasswordHasher {
            dummy: Arc::new(tokio::sync::OnceCell::new()),
            jobs,
            in_flight: Arc::new(AtomicUsize::new(0)),
            capacity: workers.max(1) + max_waiting,
            params,
        }
    }

    /// The PHC string of a fresh salted argon2id hash of `password`.
    pub async fn hash(&self, password: String) -> Result<String, Error> {
        let params = self.params.clone();
        self.run(move || {
            argon2id::hash(password.as_bytes(), &params)
                .map_err(|err| Error::internal("hashing a password", err))
        })
        .await?
    }

    /// Whether `password` matches the PHC string `hash`.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, Error> {
        self.run(move || argon2id::verify(password.as_bytes(), &hash))
            .await
    }

    /// Does the work of `verify` against no real hash; always `false`.
    pub async fn verify_nobody(&self, password: String) -> Result<bool, Error> {
        let dummy = self
            .dummy
            .get_or_try_init(|| self.hash(crate::random::url_token()))
            .await?;
        self.verify(password, dummy.clone()).await?;
        Ok(false)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Error> {
        self.submit(work)?
            .await
            .map_err(|err| Error::internal("hashing thread", err))
    }

    /// `busy` when every thread and waiting place is taken: lets a request stop before it does
    /// other work. (Only a hint under concurrency; `submit` decides.)
    pub fn has_room(&self) -> Result<(), Error> {
        if self.in_flight.load(Ordering::Acquire) >= self.capacity {
            Err(busy())
        } else {
            Ok(())
        }
    }

    /// Hashes running or waiting for a thread, for the metrics.
    pub fn queue_depth(&self) -> usize {
        self.in_flight.load(Ordering::Acquire)
    }

    /// Hands `work` to the pool, or says `busy` when every thread and waiting place is taken.
    fn submit<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<oneshot::Receiver<T>, Error> {
        let (done, result) = oneshot::channel();
        let in_flight = self.in_flight.clone();
        in_flight.fetch_add(1, Ordering::AcqRel);
        let job: Job = Box::new(move || {
            let result = work();
            in_flight.fetch_sub(1, Ordering::AcqRel);
            let _ = done.send(result);
        });
        // A job refused below is dropped unrun; count it out again.
        let refused = |_| self.in_flight.fetch_sub(1, Ordering::AcqRel);
        match self.jobs.try_send(job) {
            Ok(()) => Ok(result),
            Err(TrySendError::Full(job)) => {
                refused(job);
                Err(busy())
            }
            Err(TrySendError::Disconnected(job)) => {
                refused(job);
                Err(Error::internal(
                    "hashing pool",
                    "no hashing thread is running",
                ))
            }
        }
    }
}

/// The refusal of a full pool, counted where it is decided.
fn busy() -> Error {
    metrics::BUSY_REFUSALS.inc();
    Error::Busy {
        retry_after: Duration::from_secs(1),
    }
}

fn next_job(queue: &Mutex<Receiver<Job>>) -> Option<Job> {
    let queue = queue
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    queue.recv().ok()
}

/// The argon2id costs of DESIGN.md section 5.
fn argon2_params() -> Params {
    Params::new(
        Params::DEFAULT_M_COST,
        Params::DEFAULT_T_COST,
        Params::DEFAULT_P_COST,
        None,
    )
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> PasswordRules {
        PasswordRules {
            min_length: 10,
            max_length: 20,
        }
    }

    #[test]
    fn length_and_personal_data() {
        let ok = check_password(&rules(), "correct horse", &["ada", "Lovelace"]);
        assert!(ok.is_ok());
        let short = check_password(&rules(), "short", &[]);
        assert_eq!(short.unwrap_err().fields()["password"], "too_short");
        let long = check_password(&rules(), &"x".repeat(21), &[]);
        assert_eq!(long.unwrap_err().fields()["password"], "too_long");
        let named = check_password(&rules(), "iamLOVELACE!", &["ada", "Lovelace"]);
        assert_eq!(named.unwrap_err().code(), "weak_password");
        // Counted in characters, not bytes.
        assert!(check_password(&rules(), "ééééééééééé", &[]).is_ok());
    }

    #[tokio::test]
    async fn hashes_are_salted_argon2id_and_verify() {
        let hasher = PasswordHasher::new(1, 4);
        let one = hasher.hash("correct horse".into()).await.unwrap();
        let two = hasher.hash("correct horse".into()).await.unwrap();
        assert!(one.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{one}");
        assert_ne!(one, two);
        assert!(
            hasher
                .verify("correct horse".into(), one.clone())
                .await
                .unwrap()
        );
        assert!(!hasher.verify("wrong horse".into(), one).await.unwrap());
    }

    #[tokio::test]
    async fn full_pool_answers_busy_instead_of_queueing() {
        let hasher = PasswordHasher::new(1, 1);
        // Occupy the only thread, as a long hash would.
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started, running) = oneshot::channel();
        let first = hasher
            .submit(move || {
                let _ = started.send(());
                held.recv().is_ok()
            })
            .unwrap();
        running.await.unwrap();
        let second = hasher.submit(|| 2).unwrap();
        assert_eq!(hasher.has_room().unwrap_err().code(), "busy");
        let third = hasher.submit(|| 3);
        assert_eq!(third.unwrap_err().code(), "busy");
        release.send(()).unwrap();
        assert!(first.await.unwrap());
        assert_eq!(second.await.unwrap(), 2);
        // With the queue drained, work is taken again.
        assert_eq!(hasher.run(|| 4).await.unwrap(), 4);
        assert!(hasher.has_room().is_ok());
    }
}
