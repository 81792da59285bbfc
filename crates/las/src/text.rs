//! Bytes to text: the encodings LAS files are found in, and their line ends.
//!
//! LAS is meant to be ASCII, but files are found as UTF-8 (with or without a byte-order mark),
//! UTF-16 (little or big endian, with or without a byte-order mark) and Latin-1 / Windows-1252,
//! with LF, CRLF or CR line ends. [`decode`] returns the text and which encoding it found.

/// The encoding a file's bytes were decoded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (plain ASCII included).
    Utf8,
    /// UTF-8 with a byte-order mark.
    Utf8Bom,
    /// UTF-16, little endian (with or without a byte-order mark).
    Utf16Le,
    /// UTF-16, big endian (with or without a byte-order mark).
    Utf16Be,
    /// Windows-1252 (a superset of Latin-1's printable characters): any bytes that are not UTF-8.
    Windows1252,
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Windows1252 => "Windows-1252",
        })
    }
}

/// Decodes the bytes of a LAS file to text.
pub fn decode(bytes: &[u8]) -> (String, Encoding) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (
            String::from_utf8_lossy(rest).into_owned(),
            Encoding::Utf8Bom,
        );
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return (utf16(rest, u16::from_le_bytes), Encoding::Utf16Le);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return (utf16(rest, u16::from_be_bytes), Encoding::Utf16Be);
    }
    // Without a mark, UTF-16 shows as ASCII with every other byte zero.
    if bytes.len() >= 4 {
        let head = &bytes[..bytes.len().min(512) & !1];
        let zeros_at = |parity: usize| {
            head.iter()
                .skip(parity)
                .step_by(2)
                .filter(|&&b| b == 0)
                .count()
        };
        let half = head.len() / 2;
        if zeros_at(1) * 10 >= half * 9 && zeros_at(0) == 0 {
            return (utf16(bytes, u16::from_le_bytes), Encoding::Utf16Le);
        }
        if zeros_at(0) * 10 >= half * 9 && zeros_at(1) == 0 {
            return (utf16(bytes, u16::from_be_bytes), Encoding::Utf16Be);
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), Encoding::Utf8),
        Err(_) => (
            bytes.iter().map(|&b| windows_1252(b)).collect(),
            Encoding::Windows1252,
        ),
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Windows-1252 to Unicode: Latin-1 except for 0x80-0x9F.
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{FFFD}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{FFFD}',
        '\u{017D}', '\u{FFFD}', '\u{FFFD}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}',
        '\u{2022}', '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}',
        '\u{0153}', '\u{FFFD}', '\u{017E}', '\u{0178}',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// The lines of `text`, split at LF, CRLF or a lone CR.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .flat_map(|line| line.strip_suffix('\r').unwrap_or(line).split('\r'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_encoding() {
        let text = "~V\u{e9}";
        let utf16le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let utf16be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(text.as_bytes()), (text.into(), Encoding::Utf8));
        assert_eq!(
            decode(&[&[0xEF, 0xBB, 0xBF], text.as_bytes()].concat()),
            (text.into(), Encoding::Utf8Bom)
        );
        assert_eq!(
            decode(&[&[0xFF, 0xFE][..], &utf16le].concat()),
            (text.into(), Encoding::Utf16Le)
        );
        assert_eq!(
            decode(&[&[0xFE, 0xFF][..], &utf16be].concat()),
            (text.into(), Encoding::Utf16Be)
        );
        assert_eq!(decode(&utf16le), (text.into(), Encoding::Utf16Le));
        assert_eq!(decode(&utf16be), (text.into(), Encoding::Utf16Be));
        // 0xE9 is é in Latin-1; 0x80 is the euro sign in Windows-1252.
        assert_eq!(
            decode(b"~V\xe9\x80"),
            ("~V\u{e9}\u{20ac}".into(), Encoding::Windows1252)
        );
    }

    #[test]
    fn splits_lines_at_every_kind_of_line_end() {
        let got: Vec<&str> = lines("a\r\nb\rc\nd").collect();
        assert_eq!(got, ["a", "b", "c", "d"]);
    }
}
