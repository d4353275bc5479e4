//! Encryption keys at rest. A data key is 32 random bytes (AES-256). It is never stored or
//! shown in the clear: the catalog and exported key files hold it wrapped with AES-256-GCM
//! under a key derived from a passphrase with argon2id. Its fingerprint, a SHA-256 of the key
//! with a domain-separation prefix, names it on tape and in the catalog without revealing it.

use aes_gcm::aead::{Aead, Nonce};
use aes_gcm::{Aes256Gcm, KeyInit};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A data key. Zeroed when dropped.
pub struct DataKey([u8; 32]);

impl DataKey {
    pub fn generate() -> Result<DataKey, WrapError> {
        let mut k = [0u8; 32];
        getrandom::fill(&mut k).map_err(|e| WrapError::Random(e.to_string()))?;
        Ok(DataKey(k))
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Hex SHA-256 of "tapebackarr key fingerprint v1\0" ‖ key.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"tapebackarr key fingerprint v1\0");
        h.update(self.0);
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl Drop for DataKey {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// Zeroes secret bytes with volatile writes, so the compiler cannot drop the wipe as a dead
/// store.
pub fn wipe(bytes: &mut [u8]) {
    for b in bytes.iter_mut() {
        // SAFETY: `b` is a valid, aligned, exclusive reference to one byte.
        unsafe { std::ptr::write_volatile(b, 0) };
    }
}

/// The argon2id cost: 64 MiB, 3 passes, 1 lane (OWASP's first recommendation for argon2id).
pub const KDF_MEMORY_KIB: u32 = 64 * 1024;
pub const KDF_PASSES: u32 = 3;
pub const KDF_LANES: u32 = 1;
/// Authenticated with every wrap, so a wrapped key cannot be passed off as anything else.
const AAD: &[u8] = b"tapebackarr wrapped data key v1";
pub const MIN_PASSPHRASE_LEN: usize = 8;

/// A wrapped key as stored in `encryption_keys.key_data` and in exported key files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedKey {
    /// Always 1.
    pub version: u32,
    pub kdf: String,
    pub memory_kib: u32,
    pub passes: u32,
    pub lanes: u32,
    /// Base64.
    pub salt: String,
    /// Base64, 12 bytes.
    pub nonce: String,
    /// Base64: the AES-256-GCM ciphertext of the key followed by the 16-byte tag.
    pub wrapped: String,
}

#[derive(Debug, thiserror::Error)]
pub enum WrapError {
    #[error("wrong passphrase (or a damaged key)")]
    WrongPassphrase,
    #[error("the passphrase is shorter than {MIN_PASSPHRASE_LEN} characters")]
    WeakPassphrase,
    #[error("unsupported wrapped key: {0}")]
    Unsupported(String),
    #[error("no randomness from the operating system: {0}")]
    Random(String),
}

fn kek(passphrase: &[u8], salt: &[u8], w: &WrappedKey) -> Result<[u8; 32], WrapError> {
    let params =
        Params::new(w.memory_kib, w.passes, w.lanes, Some(32)).map_err(|e| WrapError::Unsupported(e.to_string()))?;
    let mut out = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase, salt, &mut out)
        .map_err(|e| WrapError::Unsupported(e.to_string()))?;
    Ok(out)
}

pub fn wrap(key: &DataKey, passphrase: &[u8]) -> Result<WrappedKey, WrapError> {
    if passphrase.len() < MIN_PASSPHRASE_LEN {
        return Err(WrapError::WeakPassphrase);
    }
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 12];
    getrandom::fill(&mut salt).map_err(|e| WrapError::Random(e.to_string()))?;
    getrandom::fill(&mut nonce).map_err(|e| WrapError::Random(e.to_string()))?;
    let mut w = WrappedKey {
        version: 1,
        kdf: "argon2id".into(),
        memory_kib: KDF_MEMORY_KIB,
        passes: KDF_PASSES,
        lanes: KDF_LANES,
        salt: B64.encode(salt),
        nonce: B64.encode(nonce),
        wrapped: String::new(),
    };
    let mut k = kek(passphrase, &salt, &w)?;
    let cipher = Aes256Gcm::new_from_slice(&k).expect("32-byte key");
    k.fill(0);
    let ct = cipher
        .encrypt(&Nonce::<Aes256Gcm>::from(nonce), aes_gcm::aead::Payload { msg: key.bytes(), aad: AAD })
        .map_err(|_| WrapError::Unsupported("encryption failed".into()))?;
    w.wrapped = B64.encode(ct);
    Ok(w)
}

pub fn unwrap(w: &WrappedKey, passphrase: &[u8]) -> Result<DataKey, WrapError> {
    if w.version != 1 || w.kdf != "argon2id" {
        return Err(WrapError::Unsupported(format!("version {} with {}", w.version, w.kdf)));
    }
    let decode = |s: &str| B64.decode(s).map_err(|e| WrapError::Unsupported(e.to_string()));
    let (salt, nonce, ct) = (decode(&w.salt)?, decode(&w.nonce)?, decode(&w.wrapped)?);
    let nonce: [u8; 12] = nonce.try_into().map_err(|_| WrapError::Unsupported("nonce is not 12 bytes".into()))?;
    let mut k = kek(passphrase, &salt, w)?;
    let cipher = Aes256Gcm::new_from_slice(&k).expect("32-byte key");
    k.fill(0);
    let mut plain = cipher
        .decrypt(&Nonce::<Aes256Gcm>::from(nonce), aes_gcm::aead::Payload { msg: &ct, aad: AAD })
        .map_err(|_| WrapError::WrongPassphrase)?;
    let key: [u8; 32] =
        plain.as_slice().try_into().map_err(|_| WrapError::Unsupported("key is not 32 bytes".into()))?;
    plain.fill(0);
    Ok(DataKey(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_unwrap_and_wrong_passphrase() {
        let key = DataKey::generate().unwrap();
        let w = wrap(&key, b"correct horse battery").unwrap();
        assert_eq!(unwrap(&w, b"correct horse battery").unwrap().bytes(), key.bytes());
        assert!(matches!(unwrap(&w, b"wrong horse battery"), Err(WrapError::WrongPassphrase)));
        // Two wraps of one key share nothing but the key.
        let w2 = wrap(&key, b"correct horse battery").unwrap();
        assert_ne!(w.salt, w2.salt);
        assert_ne!(w.wrapped, w2.wrapped);
        assert!(matches!(wrap(&key, b"short"), Err(WrapError::WeakPassphrase)));
    }

    #[test]
    fn tampering_is_detected() {
        let key = DataKey::generate().unwrap();
        let mut w = wrap(&key, b"passphrase!").unwrap();
        let mut ct = B64.decode(&w.wrapped).unwrap();
        ct[3] ^= 1;
        w.wrapped = B64.encode(ct);
        assert!(matches!(unwrap(&w, b"passphrase!"), Err(WrapError::WrongPassphrase)));
    }

    #[test]
    fn fingerprint_is_stable_and_not_the_key() {
        let key = DataKey([7u8; 32]);
        let fp = key.fingerprint();
        assert_eq!(fp.len(), 64);
        assert_eq!(fp, DataKey([7u8; 32]).fingerprint());
        assert_ne!(fp, DataKey([8u8; 32]).fingerprint());
        assert!(!fp.contains("0707070707"));
    }
}
