//! Where the shopper is when the payment starts: it decides which fallback
//! URLs work and how the payment app is opened.

use core::fmt;

use serde::{Deserialize, Serialize};

/// The four places a payment can start from (Vipps eCom API guide, "Initiate payment
/// flow", "Desktop flow", "App-switching").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "camelCase")]
pub enum Platform {
    /// A native iOS app.
    Ios,
    /// A native Android app.
    Android,
    /// A web page in a phone's browser: the landing page switches to the app
    /// by itself.
    MobileWeb,
    /// A web page on a laptop or desktop: the shopper confirms the phone
    /// number on the landing page and pays on the phone.
    DesktopWeb,
}

impl Platform {
    /// All platforms, in a stable order.
    pub const ALL: [Platform; 4] = [
        Platform::Ios,
        Platform::Android,
        Platform::MobileWeb,
        Platform::DesktopWeb,
    ];

    /// Whether this is a native app (as opposed to a web page).
    pub fn is_native_app(self) -> bool {
        match self {
            Platform::Ios | Platform::Android => true,
            Platform::MobileWeb | Platform::DesktopWeb => false,
        }
    }

    /// The camelCase name used in JSON: `ios`, `android`, `mobileWeb`,
    /// `desktopWeb`.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Ios => "ios",
            Platform::Android => "android",
            Platform::MobileWeb => "mobileWeb",
            Platform::DesktopWeb => "desktopWeb",
        }
    }
}

/// A human name: `iOS`, `Android`, `mobile web`, `desktop web`.
impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Platform::Ios => "iOS",
            Platform::Android => "Android",
            Platform::MobileWeb => "mobile web",
            Platform::DesktopWeb => "desktop web",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_names_match_as_str() {
        for p in Platform::ALL {
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
            assert_eq!(serde_json::from_str::<Platform>(&json).unwrap(), p);
        }
        assert!(Platform::Android.is_native_app());
        assert!(!Platform::DesktopWeb.is_native_app());
    }
}
