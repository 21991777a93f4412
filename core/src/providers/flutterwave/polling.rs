//! `use_polling=1`, where Flutterwave's timeout document asks for it:
//! "You need to ensure you start passing a query string `use_polling=1` in
//! your charge and validate/validatecharge endpoint like this:
//! `https://ravesandboxapi.flutterwave.com/flwv3-pug/getpaidx/api/charge?use_polling=1`"
//! (Flutterwave (Rave), "Handling Timeouts Via API"). With it, a request
//! that takes too long is answered `LONG-REQ` with a `ping_url` (a
//! [`LongRequest`](super::LongRequest)) instead of a timeout error.
//!
//! ```
//! use appswitch_core::providers::flutterwave::with_use_polling;
//!
//! let url = with_use_polling("https://ravesandboxapi.flutterwave.com/flwv3-pug/getpaidx/api/charge")?;
//! assert_eq!(url, "https://ravesandboxapi.flutterwave.com/flwv3-pug/getpaidx/api/charge?use_polling=1");
//! // The re-query of the final result is not a charge: left as it is.
//! let verify = "https://ravesandboxapi.flutterwave.com/flwv3-pug/getpaidx/api/v2/verify";
//! assert_eq!(with_use_polling(verify)?, verify);
//! # Ok::<(), appswitch_core::providers::flutterwave::PollingUrlError>(())
//! ```

use url::Url;

/// The query parameter's name.
pub const USE_POLLING: &str = "use_polling";

/// The endpoints whose long requests can be answered by polling: "your
/// charge and validate/validatecharge endpoint".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PollingEndpoint {
    /// `…/charge`.
    Charge,
    /// `…/validate` (account charges).
    Validate,
    /// `…/validatecharge` (card charges).
    ValidateCharge,
}

impl PollingEndpoint {
    /// The endpoint `url` calls, by the last segment of its path, if it is
    /// one of them.
    pub fn of(url: &Url) -> Option<PollingEndpoint> {
        let last = url
            .path_segments()?
            .rev()
            .find(|segment| !segment.is_empty())?;
        match last {
            "charge" => Some(PollingEndpoint::Charge),
            "validate" => Some(PollingEndpoint::Validate),
            "validatecharge" => Some(PollingEndpoint::ValidateCharge),
            _ => None,
        }
    }
}

/// Why a URL could not be given `use_polling=1`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PollingUrlError {
    /// The text is not an absolute URL.
    #[error("`{url}` is not an absolute URL: {reason}")]
    NotAUrl {
        /// The text given.
        url: String,
        /// What the URL parser said.
        reason: String,
    },
}

/// Whether a call to `url` needs `use_polling=1` (a charge or validate
/// endpoint); `false` for anything else, an unreadable URL included.
pub fn requires_use_polling(url: &str) -> bool {
    Url::parse(url)
        .ok()
        .as_ref()
        .and_then(PollingEndpoint::of)
        .is_some()
}

/// `url` with `use_polling=1` in its query if its endpoint needs it
/// ([`requires_use_polling`]), and unchanged otherwise. The rest of the
/// query is kept as it was, in order; a `use_polling` with another value is
/// replaced, and one already `1` left alone, so the parameter appears
/// exactly once.
pub fn with_use_polling(url: &str) -> Result<String, PollingUrlError> {
    let mut parsed = Url::parse(url).map_err(|e| PollingUrlError::NotAUrl {
        url: url.to_string(),
        reason: e.to_string(),
    })?;
    if PollingEndpoint::of(&parsed).is_none() {
        return Ok(url.to_string());
    }
    let polling: Vec<String> = parsed
        .query_pairs()
        .filter(|(k, _)| k == USE_POLLING)
        .map(|(_, v)| v.into_owned())
        .collect();
    match polling.as_slice() {
        [one] if one == "1" => return Ok(parsed.into()),
        [] => {}
        _ => {
            // Another value (or several): the others are kept, in order.
            let others: Vec<(String, String)> = parsed
                .query_pairs()
                .filter(|(k, _)| k != USE_POLLING)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            parsed.set_query(None);
            if !others.is_empty() {
                parsed.query_pairs_mut().extend_pairs(others);
            }
        }
    }
    parsed.query_pairs_mut().append_pair(USE_POLLING, "1");
    Ok(parsed.into())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const SANDBOX: &str = "https://ravesandboxapi.flutterwave.com/flwv3-pug/getpaidx/api";

    #[test]
    fn the_seeds_example_and_every_endpoint_it_names() {
        for endpoint in ["charge", "validate", "validatecharge"] {
            let url = format!("{SANDBOX}/{endpoint}");
            assert!(requires_use_polling(&url), "{endpoint}");
            assert_eq!(
                with_use_polling(&url).unwrap(),
                format!("{url}?use_polling=1")
            );
        }
        // Others are not touched: the ping URL, the re-query, the rest.
        for other in [
            format!("{SANDBOX}/requests/RCORE_CHREQ_529B140C1A06B38AD413"),
            format!("{SANDBOX}/v2/verify"),
            format!("{SANDBOX}/charges"),
            "https://api.ravepay.co/".to_string(),
        ] {
            assert!(!requires_use_polling(&other), "{other}");
            assert_eq!(with_use_polling(&other).unwrap(), other);
        }
        assert!(matches!(
            with_use_polling("/flwv3-pug/getpaidx/api/charge"),
            Err(PollingUrlError::NotAUrl { .. })
        ));
        assert!(!requires_use_polling("not a url"));
    }

    #[test]
    fn an_existing_parameter_is_kept_once() {
        let url = format!("{SANDBOX}/charge?use_polling=1&a=b");
        assert_eq!(with_use_polling(&url).unwrap(), url);
        assert_eq!(
            with_use_polling(&format!("{SANDBOX}/charge?use_polling=0&a=b")).unwrap(),
            format!("{SANDBOX}/charge?a=b&use_polling=1")
        );
        assert_eq!(
            with_use_polling(&format!("{SANDBOX}/charge/?a=1")).unwrap(),
            format!("{SANDBOX}/charge/?a=1&use_polling=1")
        );
    }

    proptest! {
        /// Whatever the query: the result asks for polling exactly once,
        /// and every other parameter is there, in order, unchanged.
        #[test]
        fn use_polling_appears_once_and_nothing_else_changes(
            pairs in proptest::collection::vec(
                (prop_oneof![Just("use_polling".to_string()), "[a-z_]{1,8}"], "[ -~]{0,8}"),
                0..5,
            ),
            endpoint in prop_oneof![Just("charge"), Just("validate"), Just("validatecharge")],
        ) {
            let mut url = Url::parse(&format!("{SANDBOX}/{endpoint}")).unwrap();
            if !pairs.is_empty() {
                url.query_pairs_mut().extend_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            }
            let out = Url::parse(&with_use_polling(url.as_str()).unwrap()).unwrap();
            let got: Vec<(String, String)> = out.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
            let polling: Vec<&(String, String)> = got.iter().filter(|(k, _)| k == USE_POLLING).collect();
            prop_assert_eq!(polling.len(), 1);
            prop_assert_eq!(polling[0].1.as_str(), "1");
            let others_in: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| k != USE_POLLING).collect();
            let others_out: Vec<&(String, String)> = got.iter().filter(|(k, _)| k != USE_POLLING).collect();
            prop_assert_eq!(others_in, others_out);
            prop_assert_eq!(out.path(), url.path());
            prop_assert_eq!(out.host_str(), url.host_str());
        }
    }
}
