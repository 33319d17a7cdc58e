//! The lock a sweep holds on its shard of an output folder while it runs, so that a second
//! `routesim sweep` of the same shard into the same folder is refused at once instead of
//! racing the first for the same part files.
//!
//! It is an OS advisory lock (`flock`) on a small file in the parts folder: the kernel releases
//! it when the process ends, however it ends, so a sweep killed with `kill -9` never leaves a
//! lock that blocks the `--resume` that follows. Shards of one sweep lock different files and
//! run side by side in a shared folder. On platforms without `flock` there is no lock.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use super::shard::Shard;
use super::SweepError;

/// Held for as long as the run writes into the folder; dropping it releases the lock.
#[derive(Debug)]
pub struct ShardLock {
    _file: File,
    pub path: PathBuf,
}

/// The lock file of `shard` in `parts_dir`.
pub fn lock_file_name(shard: Shard) -> String {
    format!(".lock-shard-{}-of-{}", shard.index, shard.count)
}

/// Takes the lock of `shard` in `parts_dir`, or says who holds it.
pub fn lock_shard(parts_dir: &Path, shard: Shard) -> Result<ShardLock, SweepError> {
    let path = parts_dir.join(lock_file_name(shard));
    let io = |source| SweepError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    match try_lock(&file) {
        Ok(true) => {}
        Ok(false) => {
            let holder = fs::read_to_string(&path).unwrap_or_default();
            let holder = holder.trim();
            return Err(SweepError::Busy {
                dir: parts_dir.display().to_string(),
                shard: shard.to_string(),
                holder: if holder.is_empty() {
                    "another process".into()
                } else {
                    holder.to_string()
                },
            });
        }
        Err(source) => return Err(io(source)),
    }
    // Who holds it, for the message a second run gets; the lock is what counts, not the text.
    use std::io::Write;
    let holder = format!("routesim process {} on {}", std::process::id(), host_name());
    let _ = file
        .set_len(0)
        .and_then(|()| file.write_all(holder.as_bytes()));
    Ok(ShardLock { _file: file, path })
}

#[cfg(unix)]
fn try_lock(file: &File) -> std::io::Result<bool> {
    use rustix::fs::{flock, FlockOperation};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(rustix::io::Errno::WOULDBLOCK) => Ok(false),
        Err(errno) => Err(errno.into()),
    }
}

#[cfg(not(unix))]
fn try_lock(_file: &File) -> std::io::Result<bool> {
    Ok(true)
}

fn host_name() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "this machine".into())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_of_the_same_shard_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let shard = Shard { index: 1, count: 4 };
        let first = lock_shard(dir.path(), shard).unwrap();
        let error = lock_shard(dir.path(), shard).unwrap_err().to_string();
        assert!(
            error.contains("shard 1/4") && error.contains(&std::process::id().to_string()),
            "{error}"
        );
        // Another shard of the same sweep may run beside it.
        let other = lock_shard(dir.path(), Shard { index: 2, count: 4 }).unwrap();
        drop(first);
        lock_shard(dir.path(), shard).expect("released with its holder");
        drop(other);
    }
}
