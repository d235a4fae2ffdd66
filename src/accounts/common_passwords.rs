//! The list of common passwords new passwords are refused from, built into the binary.
//!
//! `data/common-passwords.bin` (made by `scripts/common-passwords`, which describes the layout)
//! holds about 200,000 lower-cased passwords in sorted blocks of 256, each block DEFLATE
//! compressed on its own behind an index of first entries. A check finds the one block that
//! could hold the password and inflates only that: a few kilobytes and a few microseconds,
//! however long the list.

use std::sync::OnceLock;

static LIST: &[u8] = include_bytes!("../../data/common-passwords.bin");

/// Longer entries are not in the list; longer passwords are not looked up.
const LONGEST: usize = 64;
/// An inflated block: at most 256 entries of `LONGEST` bytes and their separators.
const BLOCK_BYTES: usize = 256 * (LONGEST + 1);

/// Whether `password`, compared lower-cased, is one of the listed common passwords.
pub fn is_common(password: &str) -> bool {
    let lowered = password.to_lowercase();
    let wanted = lowered.as_bytes();
    if wanted.is_empty() || wanted.len() > LONGEST {
        return false;
    }
    let blocks = &index().blocks;
    // The last block whose first entry is not after the password is the only one that could
    // hold it.
    let after = blocks.partition_point(|block| block.first <= wanted);
    let Some(block) = after.checked_sub(1).map(|at| &blocks[at]) else {
        return false;
    };
    let stream = &index().data[block.offset..block.offset + block.len];
    match miniz_oxide::inflate::decompress_to_vec_with_limit(stream, BLOCK_BYTES) {
        Ok(entries) => entries
            .split(|&byte| byte == b'\n')
            .any(|entry| entry == wanted),
        // The file is checked by the tests of every build; a damaged one must not stop sign-up.
        Err(_) => false,
    }
}

/// How many passwords the list holds.
pub fn len() -> usize {
    index().entries
}

struct Index {
    entries: usize,
    blocks: Vec<Block>,
    data: &'static [u8],
}

struct Block {
    first: &'static [u8],
    offset: usize,
    len: usize,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| read_index(LIST).expect("data/common-passwords.bin is damaged"))
}

/// Reads the header and the block index (a few hundred entries pointing into `list`).
fn read_index(list: &'static [u8]) -> Option<Index> {
    let mut at = Reader { bytes: list, at: 0 };
    if at.take(4)? != b"DSPW" || at.take(1)? != [1] {
        return None;
    }
    let entries = at.u32()? as usize;
    let count = at.u32()? as usize;
    let mut blocks = Vec::with_capacity(count);
    for _ in 0..count {
        let offset = at.u32()? as usize;
        let len = at.u32()? as usize;
        let first_len = usize::from(at.take(1)?[0]);
        blocks.push(Block {
            first: at.take(first_len)?,
            offset,
            len,
        });
    }
    let data = &list[at.at..];
    let fits = blocks.iter().all(|block| {
        block
            .offset
            .checked_add(block.len)
            .is_some_and(|end| end <= data.len())
    });
    fits.then_some(Index {
        entries,
        blocks,
        data,
    })
}

struct Reader {
    bytes: &'static [u8],
    at: usize,
}

impl Reader {
    fn take(&mut self, n: usize) -> Option<&'static [u8]> {
        let taken = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(taken)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_long_and_finds_the_usual_suspects() {
        assert!(len() >= 100_000, "{} passwords", len());
        for common in [
            "password1234",
            "qwertyuiop",
            "123456789",
            "iloveyou",
            "PassWord1234",
        ] {
            assert!(is_common(common), "{common} should be listed");
        }
        for rare in [
            "correct horse battery staple 7",
            "Vx9#qLm2!pRz",
            "",
            &"a".repeat(65),
        ] {
            assert!(!is_common(rare), "{rare} should not be listed");
        }
    }

    /// Every block's entries are found through the index: the first, the last and a spread
    /// between, so an off-by-one in the block search or the file fails here.
    #[test]
    fn every_block_is_reachable() {
        let index = index();
        let mut checked = 0;
        for block in &index.blocks {
            let stream = &index.data[block.offset..block.offset + block.len];
            let entries = miniz_oxide::inflate::decompress_to_vec_with_limit(stream, BLOCK_BYTES)
                .expect("every block inflates within the bound");
            let entries: Vec<&[u8]> = entries.split(|&byte| byte == b'\n').collect();
            assert_eq!(entries[0], block.first);
            assert!(entries.windows(2).all(|pair| pair[0] < pair[1]), "sorted");
            for entry in [
                entries[0],
                entries[entries.len() / 2],
                entries[entries.len() - 1],
            ] {
                let entry = std::str::from_utf8(entry).expect("UTF-8");
                assert!(is_common(entry), "{entry:?} is listed but not found");
                checked += 1;
            }
        }
        assert_eq!(checked, index.blocks.len() * 3);
    }

    #[test]
    fn a_damaged_file_is_refused_not_misread() {
        static TRUNCATED: &[u8] = b"DSPW\x01\x05\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00";
        assert!(read_index(TRUNCATED).is_none());
        static WRONG: &[u8] = b"XXXX\x01\x00\x00\x00\x00\x00\x00\x00\x00";
        assert!(read_index(WRONG).is_none());
        assert!(read_index(&LIST[..LIST.len() - 1]).is_none());
    }
}
