//! BLAKE3 of an input read in pieces by different processes.
//!
//! A file that spans two tapes is read by two runs when a standalone drive has nobody to
//! change its cartridge: `verify` hashes what the first tape holds, exits 4, and the next
//! run hashes the rest. `blake3::Hasher` cannot be saved between them, so this keeps the
//! hash as BLAKE3's own tree state, which can: the chaining values of the complete 1 MiB
//! subtrees so far (merged as BLAKE3's incremental algorithm merges them, section 5.1.2 of
//! the BLAKE3 paper) and the bytes of the last subtree, which stays open until more input
//! shows it is not the last. The result is exactly `blake3::hash` of the whole input (tested
//! against it); the state is at most 1 MiB plus a few chaining values.

use blake3::hazmat::{ChainingValue, HasherExt, Mode, merge_subtrees_non_root, merge_subtrees_root};
use serde::{Deserialize, Serialize};

/// Bytes per subtree: 1024 chunks, so every subtree before the last is complete and aligned.
const GROUP: usize = 1024 * blake3::CHUNK_LEN;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResumableHash {
    /// Chaining values of complete subtrees left of `pending`, the largest first (hex).
    #[serde(with = "hex_cvs")]
    stack: Vec<ChainingValue>,
    /// Bytes of the last subtree (up to a whole one, kept until more input comes).
    #[serde(with = "b64")]
    pending: Vec<u8>,
    /// Complete subtrees hashed so far.
    groups: u64,
}

impl ResumableHash {
    pub fn new() -> ResumableHash {
        ResumableHash::default()
    }

    /// Bytes hashed so far.
    pub fn len(&self) -> u64 {
        self.groups * GROUP as u64 + self.pending.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn update(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            if self.pending.len() == GROUP {
                // More input follows: the subtree held is not the last one.
                let group = std::mem::take(&mut self.pending);
                self.push_group(&group);
                self.pending = group;
                self.pending.clear();
            }
            if self.pending.is_empty() && data.len() > GROUP {
                // A whole subtree with more after it, hashed in place.
                self.push_group(&data[..GROUP]);
                data = &data[GROUP..];
                continue;
            }
            let take = (GROUP - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
        }
    }

    /// Hashes a complete subtree (not the input's last) and merges the stack as far as the
    /// number of subtrees allows.
    fn push_group(&mut self, group: &[u8]) {
        debug_assert_eq!(group.len(), GROUP);
        let mut cv =
            blake3::Hasher::new().set_input_offset(self.groups * GROUP as u64).update(group).finalize_non_root();
        self.groups += 1;
        let mut total = self.groups;
        while total & 1 == 0 {
            let left = self.stack.pop().expect("a left subtree for every merge");
            cv = merge_subtrees_non_root(&left, &cv, Mode::Hash);
            total >>= 1;
        }
        self.stack.push(cv);
    }

    /// The BLAKE3 of everything given to [`ResumableHash::update`].
    pub fn finalize(&self) -> blake3::Hash {
        if self.groups == 0 {
            return blake3::hash(&self.pending);
        }
        // With a subtree before it, the last one holds at least one byte (it was kept open).
        let mut right = blake3::Hasher::new()
            .set_input_offset(self.groups * GROUP as u64)
            .update(&self.pending)
            .finalize_non_root();
        let (first, rest) = self.stack.split_first().expect("a subtree before the last");
        for left in rest.iter().rev() {
            right = merge_subtrees_non_root(left, &right, Mode::Hash);
        }
        merge_subtrees_root(first, &right, Mode::Hash)
    }
}

mod hex_cvs {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(cvs: &[[u8; 32]], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(cvs.iter().map(|cv| blake3::Hash::from_bytes(*cv).to_hex().to_string()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<[u8; 32]>, D::Error> {
        let texts = Vec::<String>::deserialize(d)?;
        texts.iter().map(|t| blake3::Hash::from_hex(t).map(|h| *h.as_bytes()).map_err(D::Error::custom)).collect()
    }
}

mod b64 {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        let bytes = base64::engine::general_purpose::STANDARD.decode(text).map_err(D::Error::custom)?;
        if bytes.len() > super::GROUP {
            return Err(D::Error::custom("more than one subtree of pending bytes"));
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn input(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 131 + i / 977) as u8).collect()
    }

    /// Hashed in the given pieces, saved and loaded through JSON between each.
    fn pieces(data: &[u8], cuts: &[usize]) -> blake3::Hash {
        let mut h = ResumableHash::new();
        let mut at = 0;
        for &cut in cuts.iter().chain(std::iter::once(&data.len())) {
            let cut = cut.clamp(at, data.len());
            h.update(&data[at..cut]);
            at = cut;
            h = serde_json::from_str(&serde_json::to_string(&h).unwrap()).unwrap();
        }
        assert_eq!(h.len(), data.len() as u64);
        h.finalize()
    }

    #[test]
    fn equals_blake3_at_the_edges() {
        for len in [
            0,
            1,
            1023,
            1024,
            1025,
            GROUP - 1,
            GROUP,
            GROUP + 1,
            2 * GROUP,
            2 * GROUP + 1,
            3 * GROUP,
            4 * GROUP,
            4 * GROUP + 5,
            7 * GROUP + 1024,
            8 * GROUP,
        ] {
            let data = input(len);
            let want = blake3::hash(&data);
            assert_eq!(pieces(&data, &[]), want, "{len}: one piece");
            assert_eq!(pieces(&data, &[len / 2]), want, "{len}: halves");
            assert_eq!(pieces(&data, &[1, GROUP, GROUP + 1, 3 * GROUP - 7]), want, "{len}: odd cuts");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn any_cuts_give_blake3(len in 0usize..(5 * GROUP + 3000), cuts in proptest::collection::vec(0usize..(5 * GROUP + 3000), 0..6)) {
            let data = input(len);
            let mut cuts = cuts;
            cuts.sort_unstable();
            prop_assert_eq!(pieces(&data, &cuts), blake3::hash(&data));
        }
    }
}
