//! A private `XDG_RUNTIME_DIR` when the environment has none, so that the Vulkan loader's
//! Wayland probe stays quiet.
//!
//! On a headless Linux machine (a server, a container, a CI runner, `sudo`, `ssh` without a
//! login session), `XDG_RUNTIME_DIR` is often unset. Every process that brings up a Vulkan
//! driver with a Wayland surface extension (Mesa's lavapipe among them) then has libwayland
//! print `error: XDG_RUNTIME_DIR is invalid or not set in the environment.` on stderr, several
//! times, although nothing is wrong: zoepnet never opens a window. libwayland only checks that
//! the variable holds an absolute path, then looks for a compositor's socket in it and, finding
//! none, moves on silently.
//!
//! [`ensure`] gives such a process a folder of its own (`$TMPDIR/zoepnet-runtime-UID`, mode
//! 0700, owned by this user), as a login session would. It changes nothing when the variable
//! already holds an absolute path.

#[cfg(target_os = "linux")]
use std::path::{Path, PathBuf};

/// Sets `XDG_RUNTIME_DIR` to a private folder when it is unset or not an absolute path, before
/// any thread is started. Does nothing off Linux, or when no such folder can be made (the
/// driver's message then shows, as before).
#[allow(unsafe_code)] // `set_var`, sound while this is the process's only thread (below).
pub fn ensure() {
    #[cfg(target_os = "linux")]
    {
        let current = std::env::var_os("XDG_RUNTIME_DIR");
        if current
            .as_deref()
            .is_some_and(|v| Path::new(v).is_absolute())
        {
            return;
        }
        if let Some(dir) = private_dir(&std::env::temp_dir()) {
            // SAFETY: called first thing in `main`, before any other thread exists, so no
            // thread can be reading the environment while it changes.
            unsafe { std::env::set_var("XDG_RUNTIME_DIR", dir) };
        }
    }
}

/// `base/zoepnet-runtime-UID`, created with mode 0700 if missing; `None` when it cannot be made
/// or is not a folder of this user's that only they can enter.
#[cfg(target_os = "linux")]
fn private_dir(base: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};

    // This process's user: the owner of its /proc entry.
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let dir = base.join(format!("zoepnet-runtime-{uid}"));
    let _ = std::fs::DirBuilder::new().mode(0o700).create(&dir);
    let meta = std::fs::symlink_metadata(&dir).ok()?;
    let private = meta.is_dir() && meta.uid() == uid && meta.permissions().mode() & 0o077 == 0;
    private.then_some(dir)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_folder_is_made_private_and_reused() {
        let base = std::env::temp_dir().join(format!("zoepnet-rt-test-{}", std::process::id()));
        std::fs::create_dir_all(&base).unwrap();
        let dir = private_dir(&base).expect("a private folder");
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{mode:o}");
        // A second process finds it and uses it again.
        assert_eq!(private_dir(&base), Some(dir.clone()));
        // One that others may enter is refused, not used.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(private_dir(&base), None);
        std::fs::remove_dir_all(&base).unwrap();
    }
}
