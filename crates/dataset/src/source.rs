//! Where a run's well logs come from.
//!
//! A config names a file (`data/R-39.las`), optionally with the public address it is published at
//! and the sha256 it must have. [`DataFile::locate`] finds the file (in the folder given by
//! `--data-dir` / `ZOEPNET_DATA_DIR` when one is set), checks its checksum, and, when the file is
//! missing and fetching is allowed, downloads it, verifies it and only then moves it into place.
//! A failed or mismatching download never leaves a file behind.

use std::fs::{self, File};
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

/// The largest file a download accepts (the R-39 log is about 1.6 MB).
const MAX_DOWNLOAD_BYTES: u64 = 512 * 1024 * 1024;
/// How long a whole download may take before it is abandoned.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(300);

/// A data file a config names, with where to fetch it and the checksum it must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFile {
    /// The path as the config gives it.
    pub path: PathBuf,
    /// Public address to fetch it from when it is missing.
    pub url: Option<String>,
    /// Expected sha256, 64 lower-case hexadecimal digits.
    pub sha256: Option<String>,
}

/// How to look for data files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchOptions {
    /// A folder that holds the data files, by file name, instead of the paths configs give.
    pub data_dir: Option<PathBuf>,
    /// Never download: a missing file is an error.
    pub offline: bool,
}

/// What a download reports as it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress<'a> {
    /// The request was answered; `total` is the announced size in bytes, if any.
    Started {
        /// Where the file comes from.
        url: &'a str,
        /// Where it will be put.
        dest: &'a Path,
        /// Size announced by the server.
        total: Option<u64>,
    },
    /// `done` bytes have arrived so far.
    Bytes {
        /// Bytes received so far.
        done: u64,
        /// Size announced by the server.
        total: Option<u64>,
    },
}

/// A data file found (and, where the config gives one, checked against its sha256).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// Where the file is.
    pub path: PathBuf,
    /// Its sha256, 64 lower-case hexadecimal digits.
    pub sha256: String,
    /// Whether this call downloaded it.
    pub fetched: bool,
    /// Whether its sha256 was checked (the config gives one).
    pub checked: bool,
}

/// Why a data file could not be provided. Each message says where the file should be put.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The file is not there and could not be fetched.
    #[error(
        "data file not found: {path}\n  {reason}\n  Put the file at that path, or point --data-dir \
         (or ZOEPNET_DATA_DIR) at the folder holding it.{}",
        published(url)
    )]
    Missing {
        /// Where it was looked for.
        path: PathBuf,
        /// Why it was not fetched.
        reason: String,
        /// Where it is published, if known.
        url: Option<String>,
    },
    /// The download failed.
    #[error(
        "could not download {url}\n  {reason}\n  Download it yourself and put it at {path}, or \
         point --data-dir (or ZOEPNET_DATA_DIR) at the folder holding it."
    )]
    Download {
        /// The address asked.
        url: String,
        /// Where the file should go.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// The file (on disk or just downloaded) is not the one the config expects.
    #[error(
        "checksum mismatch for {origin}\n  expected sha256 {expected}\n  found    sha256 {actual}\n  \
         {}{}",
        mismatch_advice(path, *on_disk),
        published(url)
    )]
    Checksum {
        /// What was checked: the file on disk, or the download from its address.
        origin: String,
        /// Where the file is (or would have gone).
        path: PathBuf,
        /// Whether the file checked is one on disk (a user's file, never replaced), rather than
        /// a download (never written).
        on_disk: bool,
        /// The sha256 the config gives.
        expected: String,
        /// The sha256 found.
        actual: String,
        /// Where it is published, if known.
        url: Option<String>,
    },
    /// Reading or writing a file failed.
    #[error("{action} {path}: {error}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The underlying error (in the message, not as a source: said once in an error chain).
        error: io::Error,
    },
}

/// What to do about a checksum mismatch: a file on disk may be the user's own well, so it is
/// never advised away; a download was not written.
fn mismatch_advice(path: &Path, on_disk: bool) -> String {
    if on_disk {
        format!(
            "{} is not the file the config's `data.sha256` describes. If it is the well log you \
             mean to use, leave `data.sha256` and `data.url` out of the config (or add --set \
             data.sha256= --set data.url=); otherwise put the right file there.",
            path.display()
        )
    } else {
        format!(
            "Nothing was written. Put the right file at {}, or correct `data.sha256` in the \
             config.",
            path.display()
        )
    }
}

fn published(url: &Option<String>) -> String {
    url.as_ref()
        .map(|u| format!("\n  The file is published at {u}"))
        .unwrap_or_default()
}

/// A well log of a `[data]` section, found by [`locate_logs`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A `*.las` file of a folder the section names (no sha256 to verify).
    InFolder(PathBuf),
    /// A file the section names, present or fetched, its sha256 checked where one is given.
    File(Located),
}

impl Found {
    /// Where the file is.
    pub fn path(&self) -> &Path {
        match self {
            Found::InFolder(path) => path,
            Found::File(located) => &located.path,
        }
    }
}

/// Finds (fetching when `options` allow) each well log of `data`, checking its sha256; a
/// folder stands for its `*.las` files. `progress` hears of each download.
///
/// # Errors
/// The first file's [`SourceError`].
pub fn locate_logs(
    data: &crate::DataConfig,
    options: &FetchOptions,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Vec<Found>, SourceError> {
    let mut found = Vec::new();
    for file in data.las_files() {
        match file.folder(options.data_dir.as_deref())? {
            Some(files) => found.extend(files.into_iter().map(Found::InFolder)),
            None => found.push(Found::File(file.locate(options, progress)?)),
        }
    }
    Ok(found)
}

impl DataFile {
    /// Where this file is expected: the path as the config gives it when something is there;
    /// otherwise, for a relative path, its file name in `data_dir` when one is given (where it
    /// is also downloaded to). A file that exists where the config or the command line names
    /// it is never swapped for another of the same name.
    pub fn expected_path(&self, data_dir: Option<&Path>) -> PathBuf {
        if self.path.exists() {
            return self.path.clone();
        }
        match (data_dir, self.path.file_name()) {
            (Some(dir), Some(name)) if self.path.is_relative() => dir.join(name),
            _ => self.path.clone(),
        }
    }

    /// The LAS files of the folder this names (its `*.las` files, any case, sorted by name),
    /// when it names a folder: `Ok(None)` when it does not.
    pub fn folder(&self, data_dir: Option<&Path>) -> Result<Option<Vec<PathBuf>>, SourceError> {
        let dir = self.expected_path(data_dir);
        if !dir.is_dir() {
            return Ok(None);
        }
        let entries = std::fs::read_dir(&dir).map_err(io_err("read the folder", &dir))?;
        let mut files = Vec::new();
        for entry in entries {
            let path = entry.map_err(io_err("read the folder", &dir))?.path();
            let las = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("las"));
            if las && path.is_file() {
                files.push(path);
            }
        }
        files.sort();
        if files.is_empty() {
            return Err(SourceError::Missing {
                path: dir,
                reason: "The folder holds no .las file.".into(),
                url: None,
            });
        }
        Ok(Some(files))
    }

    /// Finds the file, checks its sha256, and fetches it when it is missing and fetching is
    /// allowed. `progress` hears about a download as it goes.
    pub fn locate(
        &self,
        options: &FetchOptions,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Located, SourceError> {
        let path = self.expected_path(options.data_dir.as_deref());
        if path.is_file() {
            let actual = sha256_file(&path)?;
            self.check(&actual, &path, Origin::Disk)?;
            return Ok(Located {
                path,
                sha256: actual,
                fetched: false,
                checked: self.sha256.is_some(),
            });
        }
        let missing = |reason: &str| SourceError::Missing {
            path: path.clone(),
            reason: reason.to_owned(),
            url: self.url.clone(),
        };
        if options.offline {
            return Err(missing(
                "Downloading is off (--offline or ZOEPNET_OFFLINE).",
            ));
        }
        let Some(url) = &self.url else {
            return Err(missing("The config gives no `data.url` to fetch it from."));
        };
        let named = url_file_name(url);
        if path.file_name().and_then(|n| n.to_str()) != Some(named) {
            // A url belongs to the file it names: never saved under another name.
            return Err(missing(&format!(
                "`data.url` is the address of {named:?}, not of this file, so nothing is \
                 downloaded."
            )));
        }
        let actual = self.download(url, &path, progress)?;
        Ok(Located {
            path,
            sha256: actual,
            fetched: true,
            checked: self.sha256.is_some(),
        })
    }

    fn check(&self, actual: &str, path: &Path, origin: Origin<'_>) -> Result<(), SourceError> {
        match &self.sha256 {
            Some(expected) if expected != actual => Err(SourceError::Checksum {
                on_disk: matches!(origin, Origin::Disk),
                origin: match origin {
                    Origin::Disk => path.display().to_string(),
                    Origin::Download(url) => format!("the download from {url}"),
                },
                path: path.to_owned(),
                expected: expected.clone(),
                actual: actual.to_owned(),
                url: self.url.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// Downloads `url` to a `.part` file beside `path`, hashing as it goes, and renames it into
    /// place once the checksum holds. Returns the sha256. The folders it made for the file are
    /// removed again when the download fails.
    fn download(
        &self,
        url: &str,
        path: &Path,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<String, SourceError> {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        // The folders that are not there yet, deepest first.
        let made: Vec<&Path> = dir
            .map(|d| {
                d.ancestors()
                    .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
            })
            .into_iter()
            .flatten()
            .collect();
        if let Some(dir) = dir {
            fs::create_dir_all(dir).map_err(io_err("cannot create the folder", dir))?;
        }
        let fetched = self.fetch_into(url, path, progress);
        if fetched.is_err() {
            for folder in made {
                // Empty, as this left it; a folder something else wrote into stays.
                let _ = fs::remove_dir(folder);
            }
        }
        fetched
    }

    /// [`DataFile::download`] into a folder that exists.
    fn fetch_into(
        &self,
        url: &str,
        path: &Path,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<String, SourceError> {
        let failed = |reason: String| download_failed(url, path, reason);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(DOWNLOAD_TIMEOUT))
            .build()
            .into();
        let mut response = agent.get(url).call().map_err(|e| failed(e.to_string()))?;
        let total = response.body().content_length();
        progress(Progress::Started {
            url,
            dest: path,
            total,
        });
        let mut reader = response
            .body_mut()
            .with_config()
            .limit(MAX_DOWNLOAD_BYTES)
            .reader();

        let mut part_name = path.file_name().unwrap_or_default().to_owned();
        part_name.push(".part");
        let part = path.with_file_name(part_name);
        let written = self.write_part(&mut reader, &part, (url, path), total, progress);
        match written {
            Ok(actual) => {
                fs::rename(&part, path).map_err(io_err("cannot move the download to", path))?;
                Ok(actual)
            }
            Err(e) => {
                // Never leave a partial or wrong file behind; the original error matters more
                // than a failure to clean up.
                let _ = fs::remove_file(&part);
                Err(e)
            }
        }
    }

    /// Copies the download into `part`, hashing as it goes; checks its length against `total`
    /// and its sha256 against the config's. Returns the sha256.
    fn write_part(
        &self,
        reader: &mut impl Read,
        part: &Path,
        (url, path): (&str, &Path),
        total: Option<u64>,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<String, SourceError> {
        let failed = |reason: String| download_failed(url, path, reason);
        let mut out = File::create(part).map_err(io_err("cannot create", part))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        let mut done = 0u64;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(failed(e.to_string())),
            };
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n])
                .map_err(io_err("cannot write", part))?;
            done += n as u64;
            progress(Progress::Bytes { done, total });
        }
        if let Some(total) = total.filter(|&t| t != done) {
            return Err(failed(format!(
                "the connection closed after {done} of {total} bytes"
            )));
        }
        out.sync_all().map_err(io_err("cannot write", part))?;
        let actual = hex(&hasher.finalize());
        self.check(&actual, path, Origin::Download(url))?;
        Ok(actual)
    }
}

/// What [`DataFile::check`] checked.
enum Origin<'a> {
    /// The file on disk.
    Disk,
    /// The download from this address.
    Download(&'a str),
}

/// The file name an address gives: its last path segment, without query or fragment.
fn url_file_name(url: &str) -> &str {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let path = &url[..end];
    path.rsplit('/').next().unwrap_or(path)
}

/// A failed download of `url` to `path`.
fn download_failed(url: &str, path: &Path, reason: String) -> SourceError {
    SourceError::Download {
        url: url.to_owned(),
        path: path.to_owned(),
        reason,
    }
}

/// An I/O failure of `action` on `path`, for `map_err`.
fn io_err(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> SourceError {
    let path = path.to_owned();
    move |error| SourceError::Io {
        action,
        path,
        error,
    }
}

/// The sha256 of a file, as 64 lower-case hexadecimal digits.
pub fn sha256_file(path: &Path) -> Result<String, SourceError> {
    let mut reader = BufReader::new(File::open(path).map_err(io_err("cannot read", path))?);
    let mut hasher = Sha256::new();
    io::copy(&mut reader, &mut hasher).map_err(io_err("cannot read", path))?;
    Ok(hex(&hasher.finalize()))
}

/// The sha256 of `bytes`, 64 lower-case hexadecimal digits.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("zoepnet-source-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    // sha256("abc"), FIPS 180-2 appendix B.1.
    const ABC_SHA256: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn hashes_a_file_as_fips_180_says() {
        let dir = temp_dir("hash");
        let path = dir.join("abc.txt");
        fs::write(&path, b"abc").unwrap();
        assert_eq!(sha256_file(&path).unwrap(), ABC_SHA256);
    }

    #[test]
    fn data_dir_takes_the_file_name_of_a_relative_path_not_there() {
        let file = DataFile {
            path: "data/R-39.las".into(),
            url: None,
            sha256: None,
        };
        assert_eq!(file.expected_path(None), PathBuf::from("data/R-39.las"));
        assert_eq!(
            file.expected_path(Some(Path::new("/srv/logs"))),
            PathBuf::from("/srv/logs/R-39.las")
        );
        let absolute = DataFile {
            path: "/elsewhere/R-39.las".into(),
            ..file
        };
        assert_eq!(
            absolute.expected_path(Some(Path::new("/srv/logs"))),
            PathBuf::from("/elsewhere/R-39.las")
        );
        // A relative path where a file is (this crate's own source, from the crate's folder,
        // where tests run) is kept: the data folder is where to look when nothing is there.
        let present = DataFile {
            path: "src/source.rs".into(),
            ..absolute
        };
        assert_eq!(
            present.expected_path(Some(Path::new("/srv/logs"))),
            PathBuf::from("src/source.rs")
        );
    }

    #[test]
    fn a_present_file_is_checked_against_its_checksum() {
        let dir = temp_dir("present");
        fs::write(dir.join("abc.las"), b"abc").unwrap();
        let options = FetchOptions {
            data_dir: Some(dir.clone()),
            offline: true,
        };
        let good = DataFile {
            path: "data/abc.las".into(),
            url: None,
            sha256: Some(ABC_SHA256.into()),
        };
        let found = good.locate(&options, &mut |_| {}).unwrap();
        assert_eq!(found.path, dir.join("abc.las"));
        assert!(!found.fetched);

        let wrong = DataFile {
            sha256: Some("0".repeat(64)),
            ..good
        };
        let err = wrong.locate(&options, &mut |_| {}).unwrap_err();
        assert!(matches!(err, SourceError::Checksum { ref actual, .. } if actual == ABC_SHA256));
    }

    #[test]
    fn offline_and_missing_says_where_to_put_the_file() {
        let dir = temp_dir("offline");
        let file = DataFile {
            path: "data/R-39.las".into(),
            url: Some("https://example.org/R-39.las".into()),
            sha256: None,
        };
        let options = FetchOptions {
            data_dir: Some(dir.clone()),
            offline: true,
        };
        let message = file.locate(&options, &mut |_| {}).unwrap_err().to_string();
        assert!(
            message.contains(&dir.join("R-39.las").display().to_string()),
            "{message}"
        );
        assert!(message.contains("--offline"), "{message}");
        assert!(
            message.contains("https://example.org/R-39.las"),
            "{message}"
        );
    }
}
