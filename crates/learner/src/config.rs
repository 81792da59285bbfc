//! An experiment's TOML config, read into typed sections that refuse unknown keys.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use zoepnet_dataset::DataConfig;

/// One experiment, as a config file under `configs/` describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExperimentConfig {
    /// The `[data]` section: which well log to learn from.
    pub data: DataConfig,
}

/// Why a config could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read config {path}: {source}")]
    Io {
        /// The config file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or has an unknown key, a missing key or a value of the wrong
    /// type. The message carries the line and column.
    #[error("invalid config {path}: {message}")]
    Parse {
        /// The config file.
        path: PathBuf,
        /// What the TOML reader found, with line, column and key.
        message: String,
    },
    /// A value is out of range.
    #[error("invalid config {path}: {source}")]
    Value {
        /// The config file.
        path: PathBuf,
        /// The key and what was expected.
        source: zoepnet_dataset::ConfigError,
    },
}

impl ExperimentConfig {
    /// Reads and checks the config file at `path`.
    pub fn load(path: &Path) -> Result<Self, LoadError> {
        let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text).map_err(|e| match e {
            ParseError::Toml(message) => LoadError::Parse {
                path: path.to_owned(),
                message,
            },
            ParseError::Value(source) => LoadError::Value {
                path: path.to_owned(),
                source,
            },
        })
    }

    fn parse(text: &str) -> Result<Self, ParseError> {
        let config: Self = toml::from_str(text).map_err(|e| ParseError::Toml(e.to_string()))?;
        config.data.validate().map_err(ParseError::Value)?;
        Ok(config)
    }
}

enum ParseError {
    Toml(String),
    Value(zoepnet_dataset::ConfigError),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ExperimentConfig, String> {
        ExperimentConfig::parse(text).map_err(|e| match e {
            ParseError::Toml(m) => m,
            ParseError::Value(v) => v.to_string(),
        })
    }

    #[test]
    fn reads_the_tutorial_config() {
        let text = include_str!("../../../configs/tutorial.toml");
        let config = parse(text).unwrap();
        assert_eq!(config.data.las, [PathBuf::from("data/R-39.las")]);
        assert_eq!(
            config.data.sha256.as_deref(),
            Some("02cbdc519647ca03e028035e949ca19f928793e5da6b0b934b3255d7f95ee7c7")
        );
    }

    #[test]
    fn refuses_an_unknown_key_with_its_line() {
        let err = parse("[data]\nlas = \"a.las\"\ncurve = 3\n").unwrap_err();
        assert!(err.contains("unknown field `curve`"), "{err}");
        assert!(err.contains("line 3"), "{err}");
        let err = parse("[data]\nlas = \"a.las\"\n[dta]\n").unwrap_err();
        assert!(err.contains("unknown field `dta`"), "{err}");
    }

    #[test]
    fn refuses_a_bad_value_naming_its_key() {
        let err = parse("[data]\nlas = \"a.las\"\nsha256 = \"xyz\"\n").unwrap_err();
        assert!(err.contains("data.sha256"), "{err}");
    }
}
