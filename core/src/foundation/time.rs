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
use std::time::UNIX_EPOCH;
use time::format_description::BorrowedFormatItem;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

/// Milliseconds since 1970-01-01T00:00:00Z, passed in by the caller.
///
/// ```
/// use appswitch_core::foundation::time::Timestamp;
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
    /// The text is not an HTTP-date (RFC 9110, section 5.6.7).
    #[error("`{0}` is not an HTTP-date (like `Sun, 06 Nov 1994 08:49:37 GMT`)")]
    HttpDate(String),
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

    /// Reads an RFC 3339 timestamp as the provider sends it:
    /// `2018-11-14T15:23:02.286Z`, or with an offset (`+01:00`). A missing
    /// zone (the eCom refund response's `"2018-11-14T15:23:02.286"`) is
    /// read as UTC; fractions beyond milliseconds are truncated. Read by
    /// the `time` crate's RFC 3339 parser.
    pub fn parse_rfc3339(text: &str) -> Result<Self, TimestampError> {
        let text = text.trim();
        // The `time` crate takes any character between date and time; RFC
        // 3339 (section 5.6) allows `T`, `t` and (its note) a space.
        if !matches!(text.as_bytes().get(10), Some(b'T' | b't' | b' ')) {
            return Err(TimestampError::Format(text.to_string()));
        }
        let nanos = OffsetDateTime::parse(text, &Rfc3339)
            .or_else(|_| PrimitiveDateTime::parse(text, ZONELESS).map(|t| t.assume_utc()))
            .map_err(|_| TimestampError::Format(text.to_string()))?
            .unix_timestamp_nanos();
        u64::try_from(nanos.div_euclid(1_000_000))
            .map(Timestamp)
            .map_err(|_| TimestampError::BeforeEpoch(text.to_string()))
    }

    /// Reads an HTTP-date, as a `Retry-After` header may carry it
    /// (RFC 9110, section 5.6.7): the preferred IMF-fixdate
    /// `Sun, 06 Nov 1994 08:49:37 GMT`, and the obsolete forms a recipient
    /// must still accept, RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`; a
    /// two-digit year `70`–`99` is 19xx, `00`–`69` is 20xx) and asctime
    /// (`Sun Nov  6 08:49:37 1994`). Read by the `httpdate` crate.
    ///
    /// ```
    /// use appswitch_core::foundation::time::Timestamp;
    /// let t = Timestamp::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
    /// assert_eq!(t.as_millis(), 784_111_777_000);
    /// assert_eq!(Timestamp::parse_http_date("Sun Nov  6 08:49:37 1994"), Ok(t));
    /// assert_eq!(t.to_http_date(), "Sun, 06 Nov 1994 08:49:37 GMT");
    /// ```
    pub fn parse_http_date(text: &str) -> Result<Self, TimestampError> {
        let err = || TimestampError::HttpDate(text.to_string());
        let at = httpdate::parse_http_date(text).map_err(|_| err())?;
        let since = at.duration_since(UNIX_EPOCH).map_err(|_| err())?;
        Ok(Timestamp(duration_millis(since)))
    }

    /// Formats as an IMF-fixdate, the HTTP-date form senders use:
    /// `Sun, 06 Nov 1994 08:49:37 GMT` (milliseconds are dropped; a time
    /// past the year 9999, which an HTTP-date cannot hold, is written as
    /// that year's last second).
    pub fn to_http_date(self) -> String {
        let secs = (self.0 / 1000).min(LAST_SECOND_OF_9999);
        httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs))
    }
}

impl core::ops::Add<Duration> for Timestamp {
    type Output = Timestamp;
    fn add(self, d: Duration) -> Timestamp {
        self.saturating_add(d)
    }
}

/// Formats as RFC 3339 in UTC with milliseconds: `2018-11-14T15:23:02.286Z`
/// (a time past the year 9999, which RFC 3339 cannot hold, is written as
/// that year's last millisecond).
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.min(LAST_SECOND_OF_9999 * 1000 + 999);
        let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .map_err(|_| fmt::Error)?;
        let text = at.format(UTC_MILLIS).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

/// `9999-12-31T23:59:59Z`, the last second both RFC 3339 and HTTP-dates hold.
const LAST_SECOND_OF_9999: u64 = 253_402_300_799;

/// RFC 3339 without a zone, as the eCom refund response sends it.
const ZONELESS: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]");

/// RFC 3339 in UTC with exactly three fraction digits.
const UTC_MILLIS: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// Whole milliseconds of a duration, saturating.
pub fn duration_millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Serde for a [`Duration`] as whole milliseconds (a JSON integer), the way
/// spans appear in snapshots and policies: `{"pollInterval": 2000}`. Use
/// with `#[serde(with = "appswitch_core::foundation::time::serde_millis")]`; durations
/// beyond `u64::MAX` milliseconds saturate.
pub mod serde_millis {
    use core::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `d` as milliseconds.
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(super::duration_millis(*d))
    }

    /// Reads milliseconds.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }

    /// The same for an `Option<Duration>` (`null` for `None`).
    pub mod option {
        use core::time::Duration;

        use serde::{Deserialize, Deserializer, Serializer};

        /// Writes `d` as milliseconds, or `null`.
        pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => s.serialize_some(&super::super::duration_millis(*d)),
                None => s.serialize_none(),
            }
        }

        /// Reads milliseconds or `null`.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
            Option::<u64>::deserialize(d).map(|o| o.map(Duration::from_millis))
        }
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

    #[test]
    fn reads_the_three_http_date_forms() {
        let t = Timestamp::from_millis(784_111_777_000);
        for form in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(Timestamp::parse_http_date(form), Ok(t), "{form}");
        }
        assert_eq!(
            Timestamp::parse_http_date("Thursday, 01-Jan-26 00:00:00 GMT")
                .unwrap()
                .to_string(),
            "2026-01-01T00:00:00.000Z"
        );
        for bad in [
            "",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:49:37 GMT",
            "Funday, 06-Nov-94 08:49:37 GMT",
            "Sun, 06 Nov 1960 08:49:37 GMT",
            "120",
        ] {
            assert!(Timestamp::parse_http_date(bad).is_err(), "{bad:?}");
        }
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

        #[test]
        fn http_date_round_trips(secs in 0u64..253_402_300_799) {
            let t = Timestamp::from_millis(secs * 1000);
            proptest::prop_assert_eq!(Timestamp::parse_http_date(&t.to_http_date()), Ok(t));
        }

        #[test]
        fn http_date_never_panics(s in "\\PC{0,40}") {
            let _ = Timestamp::parse_http_date(&s);
        }
    }
}
