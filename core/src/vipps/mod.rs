//! Vipps eCom API v2: the provider's numbers, wire types and rules
//! (seed `001_417674a0b721b627.txt`, the eCom API guide).

pub mod app;
pub mod limits;
