//! Numbers across the FFI: Kotlin and Swift get `Long` / `Int64` for
//! milliseconds and øre (no unsigned types in the public surface), so what
//! comes in as an argument is checked here and refused with a typed error
//! naming the field. (Inside the core's records, `Timestamp` and `Amount`
//! cross as the core's uniffi custom types.)

use core::time::Duration;

use appswitch_core::foundation::time::Timestamp;

use crate::errors::TrackerError;

/// `value` as a `u64`, or [`TrackerError::InvalidArgument`] naming `field`
/// when it is negative.
pub(crate) fn non_negative(field: &str, value: i64) -> Result<u64, TrackerError> {
    u64::try_from(value).map_err(|_| TrackerError::InvalidArgument {
        field: field.to_string(),
        detail: format!("`{field}` must not be negative (got {value})"),
    })
}

/// Milliseconds since the epoch from the host.
pub(crate) fn timestamp(field: &str, ms: i64) -> Result<Timestamp, TrackerError> {
    non_negative(field, ms).map(Timestamp::from_millis)
}

/// A span in milliseconds from the host.
pub(crate) fn duration(field: &str, ms: i64) -> Result<Duration, TrackerError> {
    non_negative(field, ms).map(Duration::from_millis)
}

/// A count from the host that the core keeps as `u32`.
pub(crate) fn count(field: &str, value: i32) -> Result<u32, TrackerError> {
    u32::try_from(value).map_err(|_| TrackerError::InvalidArgument {
        field: field.to_string(),
        detail: format!("`{field}` must not be negative (got {value})"),
    })
}

/// A `u64` for the host: saturates at `Long.MAX_VALUE` (about 292 million
/// years of milliseconds, or 92 quadrillion kroner), which no real value
/// reaches.
pub(crate) fn long(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// A span for the host, in milliseconds.
pub(crate) fn span(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// A count for the host.
pub(crate) fn int(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// Now, from the system clock (the same clock as `System.currentTimeMillis()`
/// and `Date().timeIntervalSince1970`). A clock set before 1970 reads as the
/// epoch.
pub(crate) fn now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    Timestamp::from_millis(ms)
}

/// Fresh bytes from the platform's secure random source. If the source
/// fails (it does not on Android or iOS), the clock's nanoseconds keep the
/// value unique rather than constant; nothing secret depends on it (the
/// nonce only ties a return to its attempt, the seed only spreads retries).
pub(crate) fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        for (b, n) in bytes.iter_mut().zip(nanos.to_le_bytes().iter().cycle()) {
            *b ^= *n;
        }
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_negative_and_saturates_outgoing() {
        assert_eq!(non_negative("x", 5).unwrap(), 5);
        let err = timestamp("initiatedAtMs", -1).unwrap_err();
        assert!(
            err.to_string()
                .contains("`initiatedAtMs` must not be negative")
        );
        assert!(count("rateCap", -3).is_err());
        assert_eq!(long(u64::MAX), i64::MAX);
        assert_eq!(span(Duration::from_secs(2)), 2000);
        assert_ne!(random::<16>(), random::<16>());
    }
}
