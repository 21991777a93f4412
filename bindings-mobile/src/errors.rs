//! The public errors, one per concern. Kotlin sees them as sealed
//! exception classes (`UrlException.InvalidUrl`, …), Swift as enums
//! conforming to `Error`. Every variant carries `detail`: the core's
//! message, which names the field and the rule it broke. The conversion
//! from each core error is written here, once.
//!
//! These are the binding's own because they say more than the core's: the
//! argument that was wrong (`field`), the rule's stable id (`rule`), a
//! negative number the core never sees, a host callback that threw. A core
//! error that needs nothing added — `ReturnError`, a return that is not
//! the attempt's — is the core's own type, exposed by its `uniffi`
//! feature (`ReturnException.NonceMismatch`, its message the core's).

use appswitch_core::shopper::deeplink::DeeplinkError as CoreDeeplinkError;
use appswitch_core::shopper::pending::{PendingError, ResumeError};
use appswitch_core::shopper::return_check::ReturnCheckError;
use appswitch_core::shopper::tracker::ConfigError;
use appswitch_core::shopper::url::{FallbackError, UrlError as CoreUrlError};

/// A URL or a fallback that the provider's rules refuse (`checkUrl`,
/// `buildFallback`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum UrlError {
    /// The URL breaks a URL rule; `rule` is a stable kebab-case id
    /// (`localhost`, `host-single-label`, `app-scheme-not-allowed`, …).
    #[error("{detail}")]
    InvalidUrl {
        /// The argument that holds the URL.
        field: String,
        /// The rule's stable id.
        rule: String,
        /// What is wrong, naming the part of the URL.
        detail: String,
    },
    /// `INTENT` asked for on iOS or the web.
    #[error("{detail}")]
    IntentOnlyOnAndroid {
        /// What is wrong.
        detail: String,
    },
    /// An app-scheme fallback asked for on the web.
    #[error("{detail}")]
    AppSchemeOnWeb {
        /// What is wrong.
        detail: String,
    },
    /// Parameters asked for with `INTENT`, which carries none.
    #[error("{detail}")]
    IntentTakesNoParams {
        /// What is wrong.
        detail: String,
    },
    /// The spec's `orderId` is empty.
    #[error("{detail}")]
    EmptyOrderId {
        /// What is wrong.
        detail: String,
    },
    /// A fallback parameter has an empty name.
    #[error("{detail}")]
    EmptyParamName {
        /// What is wrong.
        detail: String,
    },
    /// The base URL's query does not decode to UTF-8 text.
    #[error("{detail}")]
    UndecodableParam {
        /// The query as written.
        query: String,
        /// What is wrong.
        detail: String,
    },
    /// A parameter named like one appswitch or the provider adds
    /// (`orderId`, `attempt`, `status`).
    #[error("{detail}")]
    ReservedParam {
        /// The parameter.
        name: String,
        /// What is wrong.
        detail: String,
    },
}

impl UrlError {
    /// A URL rule broken by the argument `field`.
    pub(crate) fn invalid(field: &str, e: &CoreUrlError) -> UrlError {
        UrlError::InvalidUrl {
            field: field.to_string(),
            rule: e.rule().to_string(),
            detail: format!("`{field}`: {e}"),
        }
    }
}

impl From<FallbackError> for UrlError {
    fn from(e: FallbackError) -> Self {
        let detail = e.to_string();
        match e {
            FallbackError::Url(url) => UrlError::invalid("spec.target.base", &url),
            FallbackError::IntentOnlyOnAndroid { .. } => UrlError::IntentOnlyOnAndroid { detail },
            FallbackError::AppSchemeOnWeb { .. } => UrlError::AppSchemeOnWeb { detail },
            FallbackError::IntentTakesNoParams => UrlError::IntentTakesNoParams { detail },
            FallbackError::EmptyOrderId => UrlError::EmptyOrderId {
                detail: format!("`spec.orderId`: {detail}"),
            },
            FallbackError::EmptyParamName => UrlError::EmptyParamName {
                detail: format!("`spec.params`: {detail}"),
            },
            FallbackError::UndecodableParam { query } => {
                UrlError::UndecodableParam { query, detail }
            }
            FallbackError::ReservedParam { name } => UrlError::ReservedParam { name, detail },
        }
    }
}

/// An initiate `url` that cannot be used, or cannot be opened there
/// (`classifyDeeplink`, `openPlan`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum DeeplinkError {
    /// No URL.
    #[error("{detail}")]
    Empty {
        /// What is wrong.
        detail: String,
    },
    /// Whitespace or a control character in the URL.
    #[error("{detail}")]
    IllegalCharacter {
        /// What is wrong, with the byte offset.
        detail: String,
    },
    /// No `scheme:`.
    #[error("{detail}")]
    MissingScheme {
        /// What is wrong.
        detail: String,
    },
    /// Neither a landing page (`https://`) nor the payment app's scheme.
    #[error("{detail}")]
    UnsupportedScheme {
        /// What is wrong.
        detail: String,
    },
    /// An app deeplink without its `token`.
    #[error("{detail}")]
    MissingToken {
        /// What is wrong.
        detail: String,
    },
    /// A plain-http landing page that is not on this machine.
    #[error("{detail}")]
    InsecureLandingPage {
        /// What is wrong.
        detail: String,
    },
    /// Not a URL a browser can open (an invalid host or port, …).
    #[error("{detail}")]
    NotAUrl {
        /// What is wrong.
        detail: String,
    },
    /// An app deeplink to be opened from a web page.
    #[error("{detail}")]
    AppLinkOnWeb {
        /// What is wrong.
        detail: String,
    },
    /// A number argument out of range (a negative time).
    #[error("{detail}")]
    InvalidArgument {
        /// The argument.
        field: String,
        /// What is wrong.
        detail: String,
    },
}

impl From<CoreDeeplinkError> for DeeplinkError {
    fn from(e: CoreDeeplinkError) -> Self {
        let detail = e.to_string();
        match e {
            CoreDeeplinkError::Empty => DeeplinkError::Empty { detail },
            CoreDeeplinkError::IllegalCharacter { .. } => {
                DeeplinkError::IllegalCharacter { detail }
            }
            CoreDeeplinkError::MissingScheme => DeeplinkError::MissingScheme { detail },
            CoreDeeplinkError::UnsupportedScheme { .. } => {
                DeeplinkError::UnsupportedScheme { detail }
            }
            CoreDeeplinkError::MissingToken { .. } => DeeplinkError::MissingToken { detail },
            CoreDeeplinkError::InsecureLandingPage { .. } => {
                DeeplinkError::InsecureLandingPage { detail }
            }
            CoreDeeplinkError::NotAUrl => DeeplinkError::NotAUrl { detail },
            CoreDeeplinkError::AppLinkOnWeb { .. } => DeeplinkError::AppLinkOnWeb { detail },
        }
    }
}

impl From<TrackerError> for DeeplinkError {
    fn from(e: TrackerError) -> Self {
        let detail = e.to_string();
        let field = match e {
            TrackerError::InvalidArgument { field, .. } => field,
            _ => String::new(),
        };
        DeeplinkError::InvalidArgument { field, detail }
    }
}

/// Why a tracker cannot be made, resumed or finish (`PaymentTracker(…)`,
/// `resumePending`, `awaitSettled`, `forgetPending`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum TrackerError {
    /// An argument out of range: a negative time or count, a nonce that is
    /// not 32 hex digits, a deeplink the rules refuse.
    #[error("{detail}")]
    InvalidArgument {
        /// The argument (`policy.pollIntervalMs`, `attempt.initiatedAtMs`, …).
        field: String,
        /// What is wrong.
        detail: String,
    },
    /// The attempt or the policy breaks a tracker rule (an empty `orderId`,
    /// a zero poll interval, …).
    #[error("{detail}")]
    InvalidConfig {
        /// The field (`orderId`, `statusUrl`, `pollInterval`, …).
        field: String,
        /// What is wrong.
        detail: String,
    },
    /// The attempt and its return expectation are for different orders.
    #[error("{detail}")]
    OrderMismatch {
        /// What is wrong.
        detail: String,
    },
    /// The stored pending payment cannot be read (damaged, or written by a
    /// newer version).
    #[error("{detail}")]
    StoreUnreadable {
        /// What is wrong.
        detail: String,
    },
    /// The host's key-value store threw.
    #[error("{detail}")]
    StoreFailed {
        /// What the store said.
        detail: String,
    },
    /// The host's scheduler threw: tracking could not wait. The pending
    /// payment stays in the store; `resumePending` carries on with it.
    #[error("{detail}")]
    SchedulerFailed {
        /// What the scheduler said.
        detail: String,
    },
    /// `resumePending`'s return URL belongs to no pending attempt (a stale
    /// or forged link, or another order), or the backend's return check
    /// refused it. Nothing was stored or tracked.
    #[error("{detail}")]
    ReturnRefused {
        /// What is wrong.
        detail: String,
    },
    /// `resumePending`'s return check could not be made: the backend gave
    /// no answer, or `429`/`5xx`, or a body that is no return check.
    /// Nothing was stored or tracked; ask again.
    #[error("{detail}")]
    ReturnCheckFailed {
        /// What went wrong.
        detail: String,
    },
}

impl From<ReturnCheckError> for TrackerError {
    fn from(e: ReturnCheckError) -> Self {
        let detail = format!("`returnUrl`: {e}");
        match e {
            ReturnCheckError::Refused { .. } | ReturnCheckError::NotThisReturn(_) => {
                TrackerError::ReturnRefused { detail }
            }
            ReturnCheckError::Unavailable { .. } | ReturnCheckError::Malformed(_) => {
                TrackerError::ReturnCheckFailed { detail }
            }
            ReturnCheckError::BadTemplate { .. } => TrackerError::InvalidArgument {
                field: "returnCheckUrl".into(),
                detail: format!("`returnCheckUrl`: {e}"),
            },
        }
    }
}

impl From<ConfigError> for TrackerError {
    fn from(e: ConfigError) -> Self {
        let field = match &e {
            ConfigError::EmptyOrderId => "orderId",
            ConfigError::EmptyStatusUrl => "statusUrl",
            ConfigError::ZeroDuration { field } => field,
            ConfigError::ZeroRateCap => "rateCap",
            ConfigError::BackoffMaxBelowBase => "backoff.max",
            ConfigError::ZeroMaxBadAnswers => "maxBadAnswers",
        };
        TrackerError::InvalidConfig {
            field: field.to_string(),
            detail: e.to_string(),
        }
    }
}

impl From<PendingError> for TrackerError {
    fn from(e: PendingError) -> Self {
        let detail = e.to_string();
        match e {
            PendingError::OrderMismatch { .. } => TrackerError::OrderMismatch { detail },
            PendingError::Corrupt(_)
            | PendingError::UnsupportedVersion { .. }
            | PendingError::Snapshot(_) => TrackerError::StoreUnreadable { detail },
        }
    }
}

impl From<appswitch_core::drive::DriveError> for TrackerError {
    fn from(e: appswitch_core::drive::DriveError) -> Self {
        use appswitch_core::drive::DriveError;
        match e {
            DriveError::Config(c) => c.into(),
            DriveError::Pending(p) => p.into(),
            DriveError::Snapshot(s) => TrackerError::StoreUnreadable {
                detail: s.to_string(),
            },
        }
    }
}

impl From<ResumeError> for TrackerError {
    fn from(e: ResumeError) -> Self {
        TrackerError::ReturnRefused {
            detail: format!("`returnUrl`: {e}"),
        }
    }
}

/// What a host callback (the key-value store, the scheduler, the status
/// listener) throws. Any other exception it throws arrives as `Failed` too.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum HostError {
    /// The callback failed.
    #[error("{detail}")]
    Failed {
        /// What went wrong, for the logs.
        detail: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for HostError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        HostError::Failed { detail: e.reason }
    }
}

/// What the host's HTTP transport throws when no HTTP answer arrived. Any
/// other exception it throws arrives as `Other`; the tracker treats both
/// like a network error and backs off.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum TransportError {
    /// No connection within the connect timeout.
    #[error("no connection within the connect timeout")]
    ConnectTimeout,
    /// No answer within the read timeout.
    #[error("no answer within the read timeout")]
    ReadTimeout,
    /// The device is offline.
    #[error("the device is offline")]
    Offline,
    /// Anything else (TLS, DNS, a reset connection, an exception).
    #[error("{detail}")]
    Other {
        /// What went wrong, for the logs.
        detail: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for TransportError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        TransportError::Other { detail: e.reason }
    }
}
