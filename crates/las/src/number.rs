//! Numbers as LAS files write them.

/// The number a value starts with (`2.0` in `2.0 CWLS`).
pub(crate) fn leading_number(value: &str) -> Option<f64> {
    value.split_whitespace().next().and_then(|v| v.parse().ok())
}

/// Parses a number, accepting Fortran's `D` exponent.
pub(crate) fn parse_number(token: &str) -> Result<f64, ()> {
    token.parse::<f64>().or_else(|_| {
        if token.contains(['D', 'd']) {
            token
                .replace(['D', 'd'], "E")
                .parse::<f64>()
                .map_err(|_| ())
        } else {
            Err(())
        }
    })
}
