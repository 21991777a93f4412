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

    /// Reads an HTTP-date, as a `Retry-After` header may carry it
    /// (RFC 9110, section 5.6.7): the preferred IMF-fixdate
    /// `Sun, 06 Nov 1994 08:49:37 GMT`, and the obsolete forms a recipient
    /// must still accept, RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`; a
    /// two-digit year `70`–`99` is 19xx, `00`–`69` is 20xx) and asctime
    /// (`Sun Nov  6 08:49:37 1994`). The weekday is checked to be a weekday
    /// name, not against the date.
    ///
    /// ```
    /// use appswitch_core::foundation::time::Timestamp;
    /// let t = Timestamp::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
    /// assert_eq!(t.as_millis(), 784_111_777_000);
    /// assert_eq!(Timestamp::parse_http_date("Sun Nov  6 08:49:37 1994"), Ok(t));
    /// assert_eq!(t.to_http_date(), "Sun, 06 Nov 1994 08:49:37 GMT");
    /// ```
    pub fn parse_http_date(text: &str) -> Result<Self, TimestampError> {
        parse_http_date(text)
            .map(|secs| Timestamp(secs.saturating_mul(1000)))
            .ok_or_else(|| TimestampError::HttpDate(text.to_string()))
    }

    /// Formats as an IMF-fixdate, the HTTP-date form senders use:
    /// `Sun, 06 Nov 1994 08:49:37 GMT` (milliseconds are dropped).
    pub fn to_http_date(self) -> String {
        let secs = self.0 / 1000;
        let days = secs / 86_400;
        let rem = secs % 86_400;
        let (y, m, d) = civil_from_days(days as i64);
        let weekday = WEEKDAYS
            .get(((days + 4) % 7) as usize)
            .map_or("Sun", |w| w.0);
        let month = MONTHS
            .get((m as usize).saturating_sub(1))
            .copied()
            .unwrap_or("Jan");
        format!(
            "{weekday}, {d:02} {month} {y:04} {:02}:{:02}:{:02} GMT",
            rem / 3600,
            (rem % 3600) / 60,
            rem % 60
        )
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

/// Weekday names, short and long, starting on Sunday (1970-01-01 was a
/// Thursday: index `(days + 4) % 7`).
const WEEKDAYS: [(&str, &str); 7] = [
    ("Sun", "Sunday"),
    ("Mon", "Monday"),
    ("Tue", "Tuesday"),
    ("Wed", "Wednesday"),
    ("Thu", "Thursday"),
    ("Fri", "Friday"),
    ("Sat", "Saturday"),
];

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month_number(name: &str) -> Option<u32> {
    MONTHS
        .iter()
        .position(|m| *m == name)
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// `HH:MM:SS` as seconds of the day.
fn clock(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 8 || b.get(2) != Some(&b':') || b.get(5) != Some(&b':') {
        return None;
    }
    let (h, m, s) = (
        digits(b.get(..2)?)?,
        digits(b.get(3..5)?)?,
        digits(b.get(6..8)?)?,
    );
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s))
}

/// Seconds since the epoch of an HTTP-date in any of its three forms.
fn parse_http_date(text: &str) -> Option<u64> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let (weekday, year, month, day, time) = match tokens.as_slice() {
        // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        [wd, day, mon, year, time, "GMT"] => {
            let wd = wd.strip_suffix(',')?;
            if year.len() != 4 || day.len() != 2 {
                return None;
            }
            (wd, digits(year.as_bytes())?, *mon, *day, *time)
        }
        // rfc850-date: Sunday, 06-Nov-94 08:49:37 GMT
        [wd, date, time, "GMT"] => {
            let wd = wd.strip_suffix(',')?;
            let mut parts = date.split('-');
            let (day, mon, yy) = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() || yy.len() != 2 || day.len() != 2 {
                return None;
            }
            let yy = digits(yy.as_bytes())?;
            let year = if yy >= 70 { 1900 + yy } else { 2000 + yy };
            (wd, year, mon, day, *time)
        }
        // asctime-date: Sun Nov  6 08:49:37 1994
        [wd, mon, day, time, year] => {
            if year.len() != 4 || day.is_empty() || day.len() > 2 {
                return None;
            }
            (*wd, digits(year.as_bytes())?, *mon, *day, *time)
        }
        _ => return None,
    };
    if !WEEKDAYS
        .iter()
        .any(|(short, long)| weekday == *short || weekday == *long)
    {
        return None;
    }
    let month = month_number(month)?;
    let day = digits(day.as_bytes())?;
    if day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let secs = days_from_civil(i64::from(year), month, day) * 86_400 + clock(time)?;
    u64::try_from(secs).ok()
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
