//! Numbers as LAS files write them.

/// The number a value starts with (`2.0` in `2.0 CWLS`).
pub(crate) fn leading_number(value: &str) -> Option<f64> {
    value.split_whitespace().next().and_then(|v| v.parse().ok())
}

/// Parses a number, accepting Fortran's `D` exponent.
pub(crate) fn parse_number(token: &str) -> Result<f64, ()> {
    if let Some(v) = plain_decimal(token.as_bytes()) {
        return Ok(v);
    }
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

/// 10^k for k = 0..=22: every one exact in f64.
const POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The value of a token written as most log values are, `[+-]digits[.digits]` (at most 19
/// characters, no exponent), where it can be had exactly from one division: the digits as an
/// integer m ≤ 2^53 and 10^k both exact in f64, m / 10^k is the correctly rounded value, as
/// `str::parse` gives it (Clinger 1990, "How to read floating point numbers accurately").
/// `None` for anything else, which `str::parse` then reads. Most of a log's reading time was
/// `str::parse`'s general path.
fn plain_decimal(token: &[u8]) -> Option<f64> {
    let (negative, digits) = match token.first()? {
        b'-' => (true, &token[1..]),
        b'+' => (false, &token[1..]),
        _ => (false, token),
    };
    if digits.len() > 19 {
        return None;
    }
    let (mut mantissa, mut count, mut point) = (0u64, 0usize, None);
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                count += 1;
            }
            b'.' if point.is_none() => point = Some(digits.len() - i - 1),
            _ => return None,
        }
    }
    if count == 0 || mantissa > 1 << 53 {
        return None;
    }
    let value = mantissa as f64 / POWERS_OF_TEN[point.unwrap_or(0)];
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::{parse_number, plain_decimal};

    #[test]
    fn plain_decimals_are_what_str_parse_gives_bit_for_bit() {
        let mut state = 1u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 11
        };
        let mut fast = 0;
        for _ in 0..200_000 {
            let digits = 1 + next() % 18;
            let whole: String = (0..digits)
                .map(|_| char::from(b'0' + (next() % 10) as u8))
                .collect();
            let at = (next() % (digits + 1)) as usize;
            let sign = ["", "-", "+"][(next() % 3) as usize];
            let token = format!("{sign}{}.{}", &whole[..at], &whole[at..]);
            let expected: f64 = token.parse().expect("a decimal");
            let got = parse_number(&token).expect("a decimal");
            assert_eq!(got.to_bits(), expected.to_bits(), "{token}");
            fast += usize::from(plain_decimal(token.as_bytes()).is_some());
        }
        // Most take the exact fast path (the rest, beyond 2^53, str::parse).
        assert!(fast > 100_000, "{fast}");
    }

    #[test]
    fn anything_else_is_left_to_str_parse() {
        for token in [
            "", "-", ".", "1.2.3", "1e5", "1D5", "nan", "inf", "12a", "1,5", "--1",
        ] {
            assert_eq!(plain_decimal(token.as_bytes()), None, "{token}");
        }
        assert_eq!(parse_number("1D5"), Ok(1e5));
        assert_eq!(
            parse_number("-0.0").map(f64::to_bits),
            Ok((-0.0f64).to_bits())
        );
        assert_eq!(parse_number(".5"), Ok(0.5));
        assert_eq!(parse_number("5."), Ok(5.0));
        assert_eq!(parse_number("-999.2500"), Ok(-999.25));
        assert_eq!(parse_number("12a"), Err(()));
    }
}
