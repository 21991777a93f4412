//! The browser module in headless Chromium, against the scripted merchant
//! backend that `cargo xtask test` starts (`tests/backend`; its URL is the
//! compile-time `APPSWITCH_TEST_BACKEND`).

mod lifecycle;
mod misuse;
mod page;
mod resume;
mod return_check;
mod support;
mod tracking;
