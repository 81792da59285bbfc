//! One writer per folder. A run, a sweep or a seed study holds an exclusive lock on its folder's
//! lock file ([`files::LOCK`]) for as long as it writes there; a second writer is refused at once,
//! told which process holds the folder. The lock is the operating system's advisory file lock
//! (`flock` on Unix, `LockFileEx` on Windows, through the standard library's `File::try_lock`), so
//! the system releases it when the process ends, however it ends: a killed run never leaves a
//! stale lock behind. The file itself stays (holding the last holder's process id), harmless.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::run::files;

/// The exclusive hold of a folder: released when dropped (or when the process ends).
#[derive(Debug)]
pub struct FolderLock {
    // Held open: closing the file releases the lock.
    _file: File,
    dir: PathBuf,
    /// Whether `acquire` made the folder.
    made: bool,
}

/// Why a folder could not be locked for writing.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process writes there now.
    #[error(
        "{}: in use by another zoepnet process{}; wait for it to end, or stop it",
        dir.display(),
        pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
    )]
    Busy {
        /// The folder.
        dir: PathBuf,
        /// The holder's process id, where its lock file says it.
        pid: Option<u32>,
    },
    /// Files other than a run's were to be written into a run's folder.
    #[error(
        "{}: holds a run ({}); give a folder of its own",
        .0.display(),
        files::CONFIG
    )]
    HoldsRun(PathBuf),
    /// The folder or its lock file could not be made or locked.
    #[error("{}: {error}", path.display())]
    Io {
        /// The folder or the lock file.
        path: PathBuf,
        /// What went wrong.
        error: io::Error,
    },
}

impl LockError {
    /// Whether the user's input is at fault: a folder another process writes to is; a failure
    /// to make or lock the file is the machine's.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, LockError::Busy { .. } | LockError::HoldsRun(_))
    }
}

impl FolderLock {
    /// Makes `dir` (where missing) and takes its lock, or says who holds it. Under the lock,
    /// temporary files a killed writer left (`*.tmp`) are removed: no one else writes there.
    ///
    /// # Errors
    /// [`LockError::Busy`] when another process holds it; [`LockError::Io`] otherwise.
    pub fn acquire(dir: &Path) -> Result<Self, LockError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |error| LockError::Io { path, error }
        };
        let made = !dir.exists();
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let path = dir.join(files::LOCK);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io(&path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(LockError::Busy {
                    dir: dir.to_owned(),
                    pid: read_pid(&mut file),
                });
            }
            Err(TryLockError::Error(error)) => return Err(LockError::Io { path, error }),
        }
        file.set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| writeln!(file, "{}", std::process::id()))
            .map_err(io(&path))?;
        remove_stale_temporaries(dir);
        Ok(Self {
            _file: file,
            dir: dir.to_owned(),
            made,
        })
    }

    /// Lets the folder go; where [`FolderLock::acquire`] made it and nothing but the lock file
    /// was written there since, removes it: work refused before it began leaves no folder.
    pub fn release_unused(self) {
        let only_lock = std::fs::read_dir(&self.dir).is_ok_and(|entries| {
            entries
                .flatten()
                .all(|e| e.file_name() == std::ffi::OsStr::new(files::LOCK))
        });
        if self.made && only_lock {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    /// Takes `dir` for files that are not a run's (a dataset's tables and scaler): as
    /// [`FolderLock::acquire`], and refused where `dir` holds a run, whose own files they would
    /// replace.
    ///
    /// # Errors
    /// [`LockError::Busy`], [`LockError::HoldsRun`], [`LockError::Io`].
    pub fn acquire_for_files(dir: &Path) -> Result<Self, LockError> {
        let lock = Self::acquire(dir)?;
        if crate::run::FolderState::of(dir).is_run() {
            return Err(LockError::HoldsRun(dir.to_owned()));
        }
        Ok(lock)
    }

    /// Whether another process holds `dir` now, and if so its process id (where its lock file
    /// says it). Takes nothing: a reader's question.
    pub fn holder(dir: &Path) -> Option<Option<u32>> {
        let mut file = File::open(dir.join(files::LOCK)).ok()?;
        match file.try_lock_shared() {
            Ok(()) => None,
            Err(TryLockError::WouldBlock) => Some(read_pid(&mut file)),
            Err(TryLockError::Error(_)) => None,
        }
    }

    /// [`LockError::Busy`] where another process holds `dir`.
    ///
    /// # Errors
    /// That one.
    pub fn check_free(dir: &Path) -> Result<(), LockError> {
        match Self::holder(dir) {
            Some(pid) => Err(LockError::Busy {
                dir: dir.to_owned(),
                pid,
            }),
            None => Ok(()),
        }
    }
}

fn read_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// Removes the temporary files of writes a killed process did not finish: ours (`NAME.tmp`) and
/// Burn's (`NAME.PID-N.tmp`). Only under the folder's lock.
fn remove_stale_temporaries(dir: &Path) {
    let stale = |name: &str| name.ends_with(".tmp");
    for folder in [dir.to_owned(), dir.join(files::PLOTS)] {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            if entry.file_name().to_str().is_some_and(stale) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_and_told_who_holds_the_folder() {
        let dir = std::env::temp_dir().join(format!("zoepnet-lock-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("summary.json.tmp"), "half").unwrap();
        let first = FolderLock::acquire(&dir).unwrap();
        assert!(
            !dir.join("summary.json.tmp").exists(),
            "a stale temporary is removed"
        );
        // A second open file description is refused, as a second process would be.
        match FolderLock::acquire(&dir) {
            Err(LockError::Busy { pid, .. }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected Busy, got {other:?}"),
        }
        assert_eq!(FolderLock::holder(&dir), Some(Some(std::process::id())));
        drop(first);
        assert_eq!(FolderLock::holder(&dir), None);
        let again = FolderLock::acquire(&dir);
        assert!(again.is_ok(), "released when dropped");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
