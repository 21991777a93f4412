//! The shopper's side: the URLs that bring the shopper back and the
//! recognition of their return, the deeplink and how to open it, the
//! tracker that finds out what happened, and the pending payment that
//! survives a reload or a killed app — or, with nothing stored, the
//! backend's return check that vouches for a return. Side by side with
//! [`merchant`](crate::merchant); neither imports the other.

pub mod deeplink;
pub mod pending;
pub mod platform;
pub mod return_check;
pub mod tracker;
pub mod url;
pub mod wording;
