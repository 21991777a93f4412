//! Vipps: the eCom API v2's numbers, wire types and rules (seed
//! `001_417674a0b721b627.txt`, the eCom API guide), and the Recurring API's
//! charge status (seed `003_e2b9795f2850e592.txt`).

pub mod app;
pub mod limits;
pub mod recurring;
