//! argon2id PHC strings, computed in memory each hashing thread keeps.
//!
//! The argon2 crate allocates its 19 MiB of blocks afresh for every hash. glibc then raises
//! its mmap threshold past that size and keeps the freed blocks resident: a sign-up flood left
//! the process at over 300 MB. Reusing one buffer per hashing thread keeps memory flat.

use std::cell::RefCell;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use subtle::ConstantTimeEq as _;

thread_local! {
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// A fresh salted argon2id hash of `password` as a PHC string.
pub fn hash(password: &[u8], params: &Params) -> Result<String, String> {
    let salt = crate::random::bytes::<16>();
    let mut out = [0u8; 32];
    compute(
        Algorithm::Argon2id,
        Version::V0x13,
        params,
        password,
        &salt,
        &mut out,
    )?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|err| err.to_string())?,
        salt: Some(Salt::new(&salt).map_err(|err| err.to_string())?),
        hash: Some(Output::new(&out).map_err(|err| err.to_string())?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `phc`, compared in constant time; the costs
/// are those recorded in `phc`, so hashes made with older settings still verify.
pub fn verify(password: &[u8], phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str());
    let version = Version::try_from(parsed.version.unwrap_or(0x13));
    let params = Params::try_from(&parsed);
    let (Ok(algorithm), Ok(version), Ok(params)) = (algorithm, version, params) else {
        return false;
    };
    let mut out = vec![0u8; expected.as_bytes().len()];
    compute(algorithm, version, &params, password, salt, &mut out).is_ok()
        && bool::from(out.as_slice().ct_eq(expected.as_bytes()))
}

fn compute(
    algorithm: Algorithm,
    version: Version,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), String> {
    let argon2 = Argon2::new(algorithm, version, params.clone());
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        let blocks = params.block_count();
        if memory.len() != blocks {
            *memory = vec![Block::default(); blocks];
        }
        let result = argon2
            .hash_password_into_with_memory(password, salt, out, memory.as_mut_slice())
            .map_err(|err| err.to_string());
        // What the password was turned into must not linger until the next hash.
        memory.fill(Block::default());
        result
    })
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

    use super::*;

    #[test]
    fn agrees_with_the_argon2_crate_both_ways() {
        let params = Params::new(1024, 2, 1, None).unwrap();
        let crate_hasher = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        let ours = hash(b"correct horse", &params).unwrap();
        assert!(ours.starts_with("$argon2id$v=19$m=1024,t=2,p=1$"), "{ours}");
        assert!(
            crate_hasher
                .verify_password(b"correct horse", ours.as_str())
                .is_ok()
        );
        let theirs = crate_hasher
            .hash_password(b"correct horse")
            .unwrap()
            .to_string();
        assert!(verify(b"correct horse", &theirs));
        assert!(!verify(b"wrong horse", &theirs));
        assert!(!verify(b"correct horse", "not a phc string"));
    }
}
