//! What the common-password check costs beside the hash it saves.
//!
//! `cargo bench --bench passwords` looks up listed and unlisted passwords (the first entry of a
//! block, one deep inside, and one on no list) and prints the time per check next to one
//! argon2id hash with doorstep's parameters: the check should be a rounding error of it.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use doorstep::accounts::common_passwords::{is_common, len};
use doorstep::accounts::password::PasswordHasher;

const CHECKS: u32 = 20_000;

fn per_check(password: &str) -> Duration {
    let started = Instant::now();
    for _ in 0..CHECKS {
        black_box(is_common(black_box(password)));
    }
    started.elapsed() / CHECKS
}

fn main() {
    println!("{} passwords on the list", len());
    // The first call reads the block index; time the steady state.
    is_common("warm up");
    let mut slowest = Duration::ZERO;
    for password in [
        "password1234",
        "qwertyuiop",
        "zzzzzzzzzz",
        "Vx9#qLm2!pRz-unlisted",
    ] {
        let took = per_check(password);
        slowest = slowest.max(took);
        println!("{password:>24}: {:>8.2} µs per check", micros(took));
    }
    let hasher = PasswordHasher::new(1, 1);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let started = Instant::now();
    runtime
        .block_on(hasher.hash("Vx9#qLm2!pRz-unlisted".to_owned()))
        .unwrap();
    let hash = started.elapsed();
    println!("one argon2id hash: {:.1} ms", hash.as_secs_f64() * 1e3);
    println!(
        "the slowest check costs {:.3} % of a hash",
        slowest.as_secs_f64() / hash.as_secs_f64() * 100.0
    );
}

fn micros(took: Duration) -> f64 {
    took.as_secs_f64() * 1e6
}
