//! Randomness for ids, tokens and keys.

/// `N` bytes from the system's secure random source.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], getrandom::Error> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf)?;
    Ok(buf)
}

/// 16 random bytes as 32 lower-case hex digits.
pub(crate) fn random_hex() -> Result<String, getrandom::Error> {
    Ok(random_bytes::<16>()?
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}
