//! The `[data]` section of an experiment config.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::source::DataFile;

/// The `[data]` section: which well log a run learns from.
///
/// Keys the section does not know are refused when it is deserialised; values are checked by
/// [`DataConfig::validate`], which names the offending key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    /// The LAS file. A relative path is taken from the current directory (run zoepnet from the
    /// repository root), or, when a data folder is set (`--data-dir`, `ZOEPNET_DATA_DIR`), looked
    /// up there by its file name.
    pub las: PathBuf,
    /// The public address to fetch the file from when it is missing (http or https).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The sha256 the file must have, as 64 hexadecimal digits. Checked on every use when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// A value in the `[data]` section that is out of range or malformed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("`{key}`: {message}")]
pub struct ConfigError {
    /// The key's path, e.g. `data.sha256`.
    pub key: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl DataConfig {
    /// Checks each value, naming the first key that is wrong.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.las.as_os_str().is_empty() {
            return Err(ConfigError {
                key: "data.las".into(),
                message: "expected the path of a LAS file, found an empty string".into(),
            });
        }
        if let Some(url) = &self.url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(ConfigError {
                key: "data.url".into(),
                message: format!("expected an http:// or https:// address, found {url:?}"),
            });
        }
        if let Some(sum) = &self.sha256
            && !(sum.len() == 64 && sum.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(ConfigError {
                key: "data.sha256".into(),
                message: format!("expected 64 hexadecimal digits, found {sum:?}"),
            });
        }
        Ok(())
    }

    /// The well log this section names, with its address and checksum.
    pub fn las_file(&self) -> DataFile {
        DataFile {
            path: self.las.clone(),
            url: self.url.clone(),
            sha256: self.sha256.as_ref().map(|s| s.to_ascii_lowercase()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: Option<&str>, sha256: Option<&str>) -> DataConfig {
        DataConfig {
            las: "data/R-39.las".into(),
            url: url.map(str::to_owned),
            sha256: sha256.map(str::to_owned),
        }
    }

    #[test]
    fn accepts_the_tutorial_data_section() {
        let c = config(
            Some("https://example.org/R-39.las"),
            Some("02CBDC519647CA03E028035E949CA19F928793E5DA6B0B934B3255D7F95EE7C7"),
        );
        assert_eq!(c.validate(), Ok(()));
        // Checksums are compared in lower case whatever case the config used.
        assert_eq!(
            c.las_file().sha256.as_deref(),
            Some("02cbdc519647ca03e028035e949ca19f928793e5da6b0b934b3255d7f95ee7c7")
        );
    }

    #[test]
    fn names_the_key_of_a_bad_value() {
        let short = config(None, Some("02cbdc"));
        assert_eq!(
            short.validate().map_err(|e| e.key),
            Err("data.sha256".into())
        );
        let ftp = config(Some("ftp://example.org/R-39.las"), None);
        assert_eq!(ftp.validate().map_err(|e| e.key), Err("data.url".into()));
        let empty = DataConfig {
            las: "".into(),
            url: None,
            sha256: None,
        };
        assert_eq!(empty.validate().map_err(|e| e.key), Err("data.las".into()));
    }
}
