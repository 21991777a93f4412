//! Randomness for ids, tokens and keys, and the wall clock the backend's
//! own schedules run on.

use std::time::{SystemTime, UNIX_EPOCH};

/// `N` bytes from the system's secure random source.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], getrandom::Error> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf)?;
    Ok(buf)
}

/// 16 random bytes as 32 lower-case hex digits.
pub(crate) fn random_hex() -> Result<String, getrandom::Error> {
    Ok(hex(&random_bytes::<16>()?))
}

/// Lower-case hex digits of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Milliseconds since the Unix epoch on this machine's clock: the time the
/// watcher's queue, the leases and the retention period are kept in (shared
/// by every instance through the database, so it must be wall time).
pub(crate) fn wall_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
