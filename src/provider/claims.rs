//! Claims on tenants shared by the provider processes of one Terraform process, so that
//! two provider configurations (aliases, or module instances each with its own provider)
//! planning resources for one tenant are refused as one configuration's two resources
//! are (see [`super::tenancy`], which sees one process only).
//!
//! Terraform starts one provider process per provider configuration and phase (validate,
//! plan, apply), each a child of the Terraform process, and says nothing of the others.
//! A claim is a small file in a private directory keyed by that parent
//! (`$TMPDIR/tfauth0-claims-UID/PPID-START/`), naming the tenant, the claiming process
//! and when it claimed, on the system's monotonic clock. A claim conflicts with another
//! process's claim on the same tenant made **after this process started**: the two
//! processes were alive together and both planned the tenant.
//!
//! Why that rule and no other, soundness first (no false refusal):
//! - One configuration's processes of successive phases never conflict: Terraform starts
//!   the apply walk's processes after the plan walk has ended, so every claim of the plan
//!   phase is older than the start of any apply-phase process. The same holds for
//!   `terraform test` runs, which follow each other. This is causality, not an order of
//!   Terraform's implementation: nothing is assumed about when processes exit.
//! - Plan and apply in two Terraform commands have two parents, so two directories.
//! - A dead Terraform whose PID is reused: its claims were made before the new
//!   Terraform, and so before any of its children, started; on Linux the directory is
//!   keyed by the parent's start time too, and the directories of dead parents are
//!   removed.
//! - A claim is only ever compared with the clock reading of another process on the
//!   same machine: CLOCK_MONOTONIC is one clock for all of them.
//!
//! What it cannot see (never a false refusal, a missed one): a configuration whose
//! process starts only after another configuration already planned the tenant.
//! Terraform usually starts every provider before planning any resource, but does not
//! promise to. Windows has no such check (the in-process one still applies).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A reading of the system's monotonic clock, in nanoseconds.
pub type Instant = u64;

/// The system's monotonic clock, shared by every process of the machine.
#[cfg(unix)]
pub fn now() -> Instant {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    u64::try_from(t.tv_sec).unwrap_or(0) * 1_000_000_000 + u64::try_from(t.tv_nsec).unwrap_or(0)
}

/// Whether a claim made at `claimed` by another process conflicts with a claim of the
/// process that started at `started`: they were alive together, both planning the
/// tenant. Strictly after, so a clock too coarse to order two events never refuses.
pub fn overlaps(started: Instant, claimed: Instant) -> bool {
    claimed > started
}

/// The file name of a claim: the tenant (hex, so any spelling of a domain is a safe name)
/// and the claiming process's token.
fn claim_name(tenant_key: &str, me: u64) -> String {
    format!("{}.{me:016x}", hex(tenant_key))
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

/// A fresh claim token: unique among this process's plans and, with odds of 2^-64
/// against, those of other processes whose tokens arrive in private state.
///
/// From std's hash keys, which the OS seeds once per thread with one `getrandom` call:
/// aws-lc's random generator would spend ~20 ms seeding itself in every provider process
/// Terraform starts (see `protocol::tls`).
pub fn token() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    // Each RandomState takes the next key of the thread's sequence, so every call differs.
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
}

/// This process's claims, in the directory of its parent.
#[derive(Debug)]
pub struct Claims {
    /// The per-parent directory: named at the first claim (it reads `/proc`, which a
    /// process that never plans need not pay for at launch), created then.
    dir: OnceLock<PathBuf>,
    /// The parent process the directory is named for, when not named yet.
    parent: u32,
    /// The directory holding every parent's (private to this user).
    base: PathBuf,
    /// This process: its token, unique among the processes of the machine.
    me: u64,
    started: Instant,
}

impl Claims {
    /// The claims of this process, a child of `parent`; `None` where the platform has no
    /// monotonic clock shared between processes.
    pub fn for_this_process() -> Option<Claims> {
        #[cfg(unix)]
        {
            let started = now();
            let uid = rustix::process::getuid().as_raw();
            Some(Claims {
                dir: OnceLock::new(),
                parent: std::os::unix::process::parent_id(),
                base: std::env::temp_dir().join(format!("tfauth0-claims-{uid}")),
                me: token(),
                started,
            })
        }
        #[cfg(not(unix))]
        {
            None
        }
    }

    /// Claims under `base`, for the parent `parent_key`, by the process `me` that started
    /// at `started`.
    pub fn new(base: PathBuf, parent_key: &str, me: u64, started: Instant) -> Claims {
        Claims {
            dir: OnceLock::from(base.join(parent_key)),
            parent: 0,
            base,
            me,
            started,
        }
    }

    fn dir(&self) -> &Path {
        self.dir
            .get_or_init(|| self.base.join(parent_key(self.parent)))
    }

    /// Claims `tenant_key` at `at` for this process; whether another process of the same
    /// parent claimed it while this one was alive. Failing to read or write the directory
    /// is never a reason to refuse a plan: the check is then skipped.
    pub fn claim(&self, tenant_key: &str, at: Instant) -> bool {
        match self.try_claim(tenant_key, at) {
            Ok(conflict) => conflict,
            Err(e) => {
                tracing::debug!("claims across provider processes unavailable: {e}");
                false
            }
        }
    }

    fn try_claim(&self, tenant_key: &str, at: Instant) -> std::io::Result<bool> {
        self.prepare()?;
        let dir = self.dir();
        let name = claim_name(tenant_key, self.me);
        // Written aside and renamed, so a reader never sees half a claim.
        let temp = dir.join(format!(".{name}"));
        std::fs::write(&temp, at.to_string())?;
        std::fs::rename(&temp, dir.join(&name))?;
        let prefix = format!("{}.", hex(tenant_key));
        for entry in std::fs::read_dir(dir)?.flatten() {
            let other = entry.file_name().to_string_lossy().into_owned();
            if other == name || !other.starts_with(&prefix) {
                continue;
            }
            let claimed = std::fs::read_to_string(entry.path())
                .ok()
                .and_then(|t| t.trim().parse::<Instant>().ok());
            if claimed.is_some_and(|c| overlaps(self.started, c)) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The private base directory and this parent's directory, created on first use;
    /// directories of parents that are gone are removed then.
    fn prepare(&self) -> std::io::Result<()> {
        if self.dir().is_dir() {
            return Ok(());
        }
        private_dir(&self.base)?;
        sweep(&self.base);
        match std::fs::create_dir(self.dir()) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e),
            _ => Ok(()),
        }
    }
}

/// Creates `dir` with mode 0700, or checks that the existing one is a directory (not a
/// link) of this user that no one else may read or write.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt};
        match std::fs::DirBuilder::new().mode(0o700).create(dir) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
        let m = std::fs::symlink_metadata(dir)?;
        let uid = rustix::process::getuid().as_raw();
        if !m.is_dir() || m.uid() != uid || m.mode() & 0o077 != 0 {
            return Err(std::io::Error::other(format!(
                "{} is not a private directory of this user",
                dir.display()
            )));
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// The directory name of a parent process: its PID and, on Linux, its start time (so a
/// reused PID names another directory).
fn parent_key(pid: u32) -> String {
    format!("{pid}-{}", start_time(pid).unwrap_or(0))
}

/// A process's start time in clock ticks since boot (`/proc/PID/stat`, field 22).
fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_comm = &stat[stat.rfind(')')? + 2..];
    after_comm.split(' ').nth(19)?.parse().ok()
}

/// Whether the process a directory is named for is gone.
fn parent_gone(dir_name: &str) -> bool {
    let Some((pid, start)) = dir_name.split_once('-') else {
        return false;
    };
    let (Ok(pid), Ok(start)) = (pid.parse::<u32>(), start.parse::<u64>()) else {
        return false;
    };
    if std::path::Path::new("/proc/self/stat").exists() {
        return start_time(pid) != Some(start);
    }
    #[cfg(unix)]
    {
        rustix::process::Pid::from_raw(pid as i32)
            .map(|p| rustix::process::test_kill_process(p).err() == Some(rustix::io::Errno::SRCH))
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Removes the directories of parents that are gone: their children cannot be asked to
/// plan any more, so their claims can never matter.
fn sweep(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for e in entries.flatten() {
        if parent_gone(&e.file_name().to_string_lossy()) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    #[test]
    fn processes_alive_together_conflict_on_one_tenant_only() {
        let b = base();
        let base = b.path().join("claims");
        // Two configurations of one Terraform run: both started at 10 and 11.
        let a = Claims::new(base.clone(), "100-1", 1, 10);
        let c = Claims::new(base.clone(), "100-1", 2, 11);
        assert!(!a.claim("t.example", 20), "the first claim");
        assert!(
            c.claim("t.example", 21),
            "the second, while the first is alive"
        );
        assert!(!c.claim("other.example", 22), "another tenant");
        // In either order of claiming.
        let a = Claims::new(base.clone(), "200-1", 3, 10);
        let c = Claims::new(base.clone(), "200-1", 4, 11);
        assert!(!c.claim("t.example", 20));
        assert!(a.claim("t.example", 21));
        // Claiming again in one process is no conflict.
        assert!(!a.claim("x.example", 30) && !a.claim("x.example", 31));
    }

    #[test]
    fn successive_phases_and_other_terraform_processes_never_conflict() {
        let b = base();
        let base = b.path().join("claims");
        // The plan phase's process claims; the apply phase's starts later and claims.
        let plan = Claims::new(base.clone(), "100-1", 1, 10);
        assert!(!plan.claim("t.example", 20));
        let apply = Claims::new(base.clone(), "100-1", 2, 30);
        assert!(!apply.claim("t.example", 40));
        // A process of another Terraform, alive at the same time.
        let other = Claims::new(base.clone(), "101-1", 3, 5);
        assert!(!other.claim("t.example", 50));
        // A clock reading equal to the start orders nothing: no conflict.
        let same_tick = Claims::new(base.clone(), "102-1", 4, 60);
        let before = Claims::new(base.clone(), "102-1", 5, 1);
        assert!(!before.claim("t.example", 60));
        assert!(!same_tick.claim("t.example", 61));
    }

    #[cfg(unix)]
    #[test]
    fn the_base_directory_must_be_private() {
        use std::os::unix::fs::PermissionsExt;
        let b = base();
        let base = b.path().join("claims");
        let a = Claims::new(base.clone(), "100-1", 1, 10);
        assert!(!a.claim("t.example", 20));
        let mode = std::fs::metadata(&base).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        // Someone else's (here: readable by all) directory is not used: no claim, no
        // refusal.
        let open = b.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
        let x = Claims::new(open.clone(), "100-1", 1, 10);
        let y = Claims::new(open.clone(), "100-1", 2, 11);
        assert!(!x.claim("t.example", 20) && !y.claim("t.example", 21));
        assert!(!open.join("100-1").exists());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn directories_of_parents_that_are_gone_are_removed() {
        let b = base();
        let base = b.path().join("claims");
        let me = parent_key(std::process::id());
        assert!(!me.ends_with("-0"), "{me}: a start time from /proc");
        // A parent that does not exist (PID 0 is never a process) and a reused PID.
        let gone = base.join("0-1");
        let reused = base.join(format!("{}-1", std::process::id()));
        let a = Claims::new(base.clone(), &me, 1, 10);
        private_dir(&base).unwrap();
        std::fs::create_dir_all(&gone).unwrap();
        std::fs::create_dir_all(&reused).unwrap();
        assert!(!a.claim("t.example", 20));
        assert!(!gone.exists() && !reused.exists());
        assert!(base.join(&me).exists(), "the live parent's directory stays");
        assert!(!parent_gone(&me));
    }

    #[cfg(unix)]
    #[test]
    fn the_clock_moves_forward() {
        let a = now();
        let b = now();
        assert!(b >= a && a > 0);
    }
}
