//! Helpers shared by the end-to-end tests: running the built `zoepnet`, temporary folders, the
//! real well log, and a tiny HTTP server on 127.0.0.1.
#![allow(dead_code)] // each test file uses its own part of this module

mod well_log;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The repository root (the workspace's top folder).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root exists")
}

/// `zoepnet` run from the repository root, with the data-path environment cleared so that each
/// test says what it wants.
pub fn zoepnet() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zoepnet"));
    cmd.current_dir(repo_root())
        .env_remove("ZOEPNET_DATA_DIR")
        .env_remove("ZOEPNET_OFFLINE");
    cmd
}

/// Runs `cmd` and returns its output, with stdout and stderr as text.
pub fn run(cmd: &mut Command) -> (Output, String, String) {
    let out = cmd.output().expect("zoepnet starts");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stdout, stderr)
}

/// A fresh, empty folder for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zoepnet-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}

/// sha256 of the real R-39 log, as data/README.md gives it.
pub const R39_SHA256: &str = "02cbdc519647ca03e028035e949ca19f928793e5da6b0b934b3255d7f95ee7c7";

/// The folder holding the real `R-39.las` (see [`well_log::find_r39`]); fails, saying where to
/// put it, when there is none.
pub fn real_data_dir() -> PathBuf {
    let path = well_log::find_r39().unwrap_or_else(|message| panic!("{message}"));
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// A one-file HTTP server on 127.0.0.1 that serves `body` at `path` and 404 elsewhere.
pub struct Server {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    hits: Arc<AtomicUsize>,
}

impl Server {
    pub fn start(path: &str, body: Vec<u8>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        let path = path.to_owned();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut request_line = String::new();
                let mut reader = BufReader::new(stream.try_clone().expect("a stream"));
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                // Read the rest of the request head.
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let asked = request_line.split_whitespace().nth(1).unwrap_or("");
                let (status, content): (&str, &[u8]) = if asked == path {
                    ("200 OK", &body)
                } else {
                    ("404 Not Found", b"not found")
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    content.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(content);
            }
        });
        Server { base, hits }
    }

    /// How many requests arrived so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}
