//! Time as the caller passes it in: the core never reads a clock.
//!
//! A [`Timestamp`] is wall-clock milliseconds since the Unix epoch — what
//! `Date.now()`, `System.currentTimeMillis()` and
//! `Date().timeIntervalSince1970 * 1000` give — so that a tracker snapshot
//! taken before a page reload or process death still means the same thing
//! afterwards. Spans of time are [`core::time::Duration`].

use core::fmt;
use core::time::Duration;

use serde::{Deserialize, Serialize};

/// Milliseconds since 1970-01-01T00:00:00Z, passed in by the caller.
///
/// ```
/// use appswitch_core::time::Timestamp;
/// use core::time::Duration;
///
/// let t = Timestamp::from_millis(1_000);
/// assert_eq!(t + Duration::from_secs(2), Timestamp::from_millis(3_000));
/// assert_eq!(Timestamp::parse_rfc3339("1970-01-01T00:00:01.5Z"), Ok(Timestamp::from_millis(1_500)));
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Timestamp(u64);

/// Why a timestamp text could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    /// The text is not `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]`.
    #[error("`{0}` is not an RFC 3339 timestamp (YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM])")]
    Format(String),
    /// The text names a date before 1970, which a [`Timestamp`] cannot hold.
    #[error("`{0}` is before 1970-01-01")]
    BeforeEpoch(String),
}

impl Timestamp {
    /// The Unix epoch.
    pub const EPOCH: Timestamp = Timestamp(0);

    /// A timestamp from milliseconds since the Unix epoch.
    pub const fn from_millis(ms: u64) -> Self {
        Timestamp(ms)
    }

    /// Milliseconds since the Unix epoch.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// `self + d`, saturating at the far future instead of overflowing.
    pub fn saturating_add(self, d: Duration) -> Self {
        Timestamp(self.0.saturating_add(duration_millis(d)))
    }

    /// `self - d`, saturating at the epoch.
    pub fn saturating_sub(self, d: Duration) -> Self {
        Timestamp(self.0.saturating_sub(duration_millis(d)))
    }

    /// How long after `earlier` this is; zero if it is not after it.
    pub fn saturating_since(self, earlier: Timestamp) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }

    /// Reads an RFC 3339 / ISO 8601 timestamp as the provider sends it:
    /// `2018-11-14T15:23:02.286Z`. A missing zone (the refund response's
    /// `"2018-11-14T15:23:02.286"`) is read as UTC; fractions beyond
    /// milliseconds are truncated.
    pub fn parse_rfc3339(text: &str) -> Result<Self, TimestampError> {
        parse_rfc3339(text)
            .ok_or_else(|| TimestampError::Format(text.to_string()))
            .and_then(|ms| {
                u64::try_from(ms)
                    .map(Timestamp)
                    .map_err(|_| TimestampError::BeforeEpoch(text.to_string()))
            })
    }
}

impl core::ops::Add<Duration> for Timestamp {
    type Output = Timestamp;
    fn add(self, d: Duration) -> Timestamp {
        self.saturating_add(d)
    }
}

/// Formats as RFC 3339 in UTC with milliseconds: `2018-11-14T15:23:02.286Z`.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0 % 1000;
        let secs = self.0 / 1000;
        let days = secs / 86_400;
        let rem = secs % 86_400;
        let (y, m, d) = civil_from_days(days as i64);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
            rem / 3600,
            (rem % 3600) / 60,
            rem % 60
        )
    }
}

/// Whole milliseconds of a duration, saturating.
pub fn duration_millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

// Howard Hinnant's days-from-civil and civil-from-days (public domain).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter().try_fold(0u32, |acc, b| {
        acc.checked_mul(10)?.checked_add(u32::from(b - b'0'))
    })
}

/// Milliseconds since the epoch (negative before it), or `None` if malformed.
fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.trim().as_bytes();
    let (date, rest) = (b.get(..10)?, b.get(10..)?);
    if date.get(4) != Some(&b'-') || date.get(7) != Some(&b'-') {
        return None;
    }
    let year = digits(date.get(..4)?)?;
    let month = digits(date.get(5..7)?)?;
    let day = digits(date.get(8..10)?)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let (sep, time) = rest.split_first()?;
    if !matches!(sep, b'T' | b't' | b' ')
        || time.len() < 8
        || time.get(2) != Some(&b':')
        || time.get(5) != Some(&b':')
    {
        return None;
    }
    let (h, mi, s) = (
        digits(time.get(..2)?)?,
        digits(time.get(3..5)?)?,
        digits(time.get(6..8)?)?,
    );
    if h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let mut tail = time.get(8..)?;
    let mut millis = 0u32;
    if let Some((b'.', frac)) = tail.split_first() {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        for (i, c) in frac.iter().take(3).enumerate().filter(|(i, _)| *i < n) {
            millis += u32::from(c - b'0') * [100, 10, 1].get(i).copied().unwrap_or(0);
        }
        tail = frac.get(n..)?;
    }
    let offset_min: i64 = match tail {
        [] | [b'Z'] | [b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let oh = i64::from(digits(&[*h1, *h2])?);
            let om = i64::from(digits(&[*m1, *m2])?);
            if oh > 23 || om > 59 {
                return None;
            }
            let v = oh * 60 + om;
            if *sign == b'-' { -v } else { v }
        }
        _ => return None,
    };
    let days = days_from_civil(i64::from(year), month, day);
    let secs =
        days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s) - offset_min * 60;
    secs.checked_mul(1000)?.checked_add(i64::from(millis))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_providers_timestamps() {
        let t = Timestamp::parse_rfc3339("2018-11-14T15:23:02.286Z").unwrap();
        assert_eq!(t.as_millis(), 1_542_208_982_286);
        assert_eq!(t.to_string(), "2018-11-14T15:23:02.286Z");
        // The refund response sends no zone: read as UTC.
        assert_eq!(Timestamp::parse_rfc3339("2018-11-14T15:23:02.286"), Ok(t));
        assert_eq!(
            Timestamp::parse_rfc3339("2018-11-14T16:23:02.286+01:00"),
            Ok(t),
            "offsets are applied"
        );
        assert_eq!(
            Timestamp::parse_rfc3339("2018-12-12T11:18:38.246123Z")
                .unwrap()
                .as_millis()
                % 1000,
            246
        );
        assert_eq!(
            Timestamp::parse_rfc3339("2024-02-29T00:00:00Z")
                .unwrap()
                .to_string(),
            "2024-02-29T00:00:00.000Z"
        );
    }

    #[test]
    fn rejects_malformed_timestamps() {
        for bad in [
            "",
            "2018-11-14",
            "2018-13-14T15:23:02Z",
            "2023-02-29T00:00:00Z",
            "2018-11-14T25:00:00Z",
            "2018-11-14T15:23:02.Z",
            "2018-11-14T15:23:02+0100",
            "2018-11-14X15:23:02Z",
            "２０18-11-14T15:23:02Z",
        ] {
            assert!(
                Timestamp::parse_rfc3339(bad).is_err(),
                "{bad:?} must be rejected"
            );
        }
        assert_eq!(
            Timestamp::parse_rfc3339("1969-12-31T23:59:59Z"),
            Err(TimestampError::BeforeEpoch("1969-12-31T23:59:59Z".into()))
        );
    }

    #[test]
    fn arithmetic_saturates() {
        let max = Timestamp::from_millis(u64::MAX);
        assert_eq!(max + Duration::from_secs(1), max);
        assert_eq!(
            Timestamp::EPOCH.saturating_sub(Duration::from_secs(1)),
            Timestamp::EPOCH
        );
        assert_eq!(Timestamp::EPOCH.saturating_since(max), Duration::ZERO);
    }

    proptest::proptest! {
        #[test]
        fn display_round_trips(ms in 0u64..253_402_300_799_999) {
            let t = Timestamp::from_millis(ms);
            proptest::prop_assert_eq!(Timestamp::parse_rfc3339(&t.to_string()), Ok(t));
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = Timestamp::parse_rfc3339(&s);
        }
    }
}
