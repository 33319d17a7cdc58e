//! Publishing a report folder whole or not at all: every file of the set is written into a
//! hidden sibling folder, and that folder is renamed into place only when all of it is on
//! disk, so a reader never sees a mix of an old and a new set, nor a stale chart of an earlier
//! run. It does not decide what the files are (the callers do) and never merges into a folder
//! that holds files routesim did not write.
//!
//! The steps, for `out = reports/today`:
//!
//! 1. remove stale temporaries of earlier, interrupted publications (`reports/.today.*.tmp`,
//!    `reports/.today.*.old` of processes that no longer run);
//! 2. write every file into `reports/.today.<pid>.tmp/` and sync it;
//! 3. if `reports/today` exists (and holds only report files), rename it to
//!    `reports/.today.<pid>.old`;
//! 4. rename the staging folder to `reports/today` and sync `reports/`;
//! 5. remove the `.old` folder.
//!
//! A kill before step 4 leaves the old set in place (or, between steps 3 and 4, no folder at
//! all, never a mixed one); a kill after it leaves the new set. Whatever is left hidden is
//! removed by step 1 of the next publication.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::files::ReportError;

/// Names a report folder may hold, beside the files of the set being published: everything a
/// `run`, `check`, `compare` or `staffing` writes. A folder holding anything else is not replaced.
const REPORT_NAMES: &[&str] = &[
    "summary.csv",
    "intervals.csv",
    "agents.csv",
    "report.html",
    "check.csv",
    "check.md",
    "staffing.csv",
    "staffing-compare.csv",
    "charts",
];

/// A temporary of a process that is not known to have died is left alone unless it is at least
/// this old (a publication takes seconds; the age matters only where liveness is unknown).
const STALE_AFTER: Duration = Duration::from_secs(3600);

/// The step a publication has reached, reported to a fault-injection hook (tests kill the
/// process at each step to show that the folder is never mixed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishStep {
    /// This many files of the new set are written into the staging folder.
    Staged(usize),
    /// Every file is written and synced; nothing visible has changed yet.
    AllStaged,
    /// The old folder is moved aside: for a moment there is no folder at all.
    OldMovedAside,
    /// The new folder is in place; the old one is not removed yet.
    Published,
}

impl PublishStep {
    /// Parses the names a fault-injection hook is configured with: `staged:N`, `all-staged`,
    /// `old-moved-aside`, `published`.
    pub fn parse(text: &str) -> Option<PublishStep> {
        match text {
            "all-staged" => Some(PublishStep::AllStaged),
            "old-moved-aside" => Some(PublishStep::OldMovedAside),
            "published" => Some(PublishStep::Published),
            _ => text
                .strip_prefix("staged:")
                .and_then(|n| n.parse().ok())
                .map(PublishStep::Staged),
        }
    }
}

/// Publishes `(file name, bytes)` pairs as the folder `out`, replacing a previous report
/// folder there whole. Names may hold a subfolder (`charts/volume.svg`). Returns the paths of
/// the files, under `out` as given.
pub fn publish_folder(
    out: &Path,
    files: &[(String, Vec<u8>)],
) -> Result<Vec<PathBuf>, ReportError> {
    publish_folder_with(out, files, &mut |_| {})
}

/// [`publish_folder`], calling `on_step` as it goes.
pub fn publish_folder_with(
    out: &Path,
    files: &[(String, Vec<u8>)],
    on_step: &mut dyn FnMut(PublishStep),
) -> Result<Vec<PathBuf>, ReportError> {
    let target = resolve(out)?;
    let parent = target
        .parent()
        .expect("a resolved target has a parent")
        .to_path_buf();
    let name = target
        .file_name()
        .expect("a resolved target has a name")
        .to_string_lossy()
        .into_owned();
    if target.exists() {
        refuse_foreign(&target, files)?;
    }
    remove_stale_temporaries(&parent, &name);

    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.{pid}.tmp"));
    let aside = parent.join(format!(".{name}.{pid}.old"));
    // A temporary of this very pid is from an earlier process that had the same id.
    remove_any(&staging);
    remove_any(&aside);
    if let Err(error) = stage(&staging, files, on_step) {
        remove_any(&staging);
        return Err(error);
    }
    on_step(PublishStep::AllStaged);

    let replacing = match fs::symlink_metadata(&target) {
        Ok(_) => true,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => {
            remove_any(&staging);
            return Err(write_error(&target, e));
        }
    };
    if replacing {
        if let Err(e) = fs::rename(&target, &aside) {
            remove_any(&staging);
            return Err(write_error(&target, e));
        }
        on_step(PublishStep::OldMovedAside);
    }
    if let Err(e) = fs::rename(&staging, &target) {
        // Put the old set back rather than leave no folder.
        if replacing {
            let _ = fs::rename(&aside, &target);
        }
        remove_any(&staging);
        return Err(write_error(&target, e));
    }
    sync_folder(&parent);
    on_step(PublishStep::Published);
    if replacing {
        remove_any(&aside);
    }
    Ok(files.iter().map(|(file, _)| out.join(file)).collect())
}

/// The absolute target folder: `out` with its parent created and resolved (so `.` and `..`
/// have a name and a parent).
fn resolve(out: &Path) -> Result<PathBuf, ReportError> {
    let absolute = if out.exists() {
        fs::canonicalize(out).map_err(|e| write_error(out, e))?
    } else {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = out.file_name().ok_or_else(|| ReportError::NotAFolderName {
            path: out.display().to_string(),
        })?;
        fs::create_dir_all(parent).map_err(|e| write_error(parent, e))?;
        fs::canonicalize(parent)
            .map_err(|e| write_error(parent, e))?
            .join(name)
    };
    if absolute.parent().is_none() || absolute.file_name().is_none() {
        return Err(ReportError::NotAFolderName {
            path: out.display().to_string(),
        });
    }
    // Replacing the current folder (or one above it) would pull the floor from under the user.
    if let Ok(cwd) = std::env::current_dir().and_then(fs::canonicalize) {
        if cwd.starts_with(&absolute) {
            return Err(ReportError::NotAFolderName {
                path: out.display().to_string(),
            });
        }
    }
    Ok(absolute)
}

/// Refuses to replace `target` unless it is a folder holding only report files.
fn refuse_foreign(target: &Path, files: &[(String, Vec<u8>)]) -> Result<(), ReportError> {
    let metadata = fs::metadata(target).map_err(|e| write_error(target, e))?;
    if !metadata.is_dir() {
        return Err(ReportError::Foreign {
            path: target.display().to_string(),
            entries: Vec::new(),
        });
    }
    let ours = |entry: &str| {
        REPORT_NAMES.contains(&entry)
            || files
                .iter()
                .any(|(name, _)| name.split('/').next() == Some(entry))
    };
    let mut foreign = Vec::new();
    for entry in fs::read_dir(target).map_err(|e| write_error(target, e))? {
        let entry = entry.map_err(|e| write_error(target, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && name == "charts" {
            if let Some(odd) = foreign_chart(&entry.path()) {
                foreign.push(format!("charts/{odd}"));
            }
        } else if !ours(&name) || is_dir {
            foreign.push(name);
        }
    }
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    Err(ReportError::Foreign {
        path: target.display().to_string(),
        entries: foreign,
    })
}

/// The first entry of a `charts/` folder that is not a chart file.
fn foreign_chart(dir: &Path) -> Option<String> {
    let entries = fs::read_dir(dir).ok()?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let chart = entry.file_type().is_ok_and(|t| t.is_file())
            && (name.ends_with(".svg") || name.ends_with(".png"));
        if !chart {
            return Some(name);
        }
    }
    None
}

fn stage(
    staging: &Path,
    files: &[(String, Vec<u8>)],
    on_step: &mut dyn FnMut(PublishStep),
) -> Result<(), ReportError> {
    fs::create_dir(staging).map_err(|e| write_error(staging, e))?;
    let mut folders = vec![staging.to_path_buf()];
    for (idx, (name, bytes)) in files.iter().enumerate() {
        let path = staging.join(name);
        if let Some(folder) = path.parent() {
            if !folders.iter().any(|f| f == folder) {
                fs::create_dir_all(folder).map_err(|e| write_error(folder, e))?;
                folders.push(folder.to_path_buf());
            }
        }
        fs::File::create(&path)
            .and_then(|mut file| {
                file.write_all(bytes)?;
                file.sync_all()
            })
            .map_err(|e| write_error(&path, e))?;
        on_step(PublishStep::Staged(idx + 1));
    }
    for folder in folders.iter().rev() {
        sync_folder(folder);
    }
    Ok(())
}

/// Removes `.<name>.<pid>.tmp` and `.<name>.<pid>.old` entries of `parent` left by
/// publications that were interrupted: their process is gone, or they are old.
fn remove_stale_temporaries(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let Some(pid) = rest
            .strip_suffix(".tmp")
            .or_else(|| rest.strip_suffix(".old"))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if is_stale(&entry.path(), pid) {
            remove_any(&entry.path());
        }
    }
}

/// Whether a temporary of process `pid` may be removed: the process is known to be gone, or the
/// temporary has not been touched for [`STALE_AFTER`].
pub(super) fn is_stale(path: &Path, pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    if let Some(running) = process_is_running(pid) {
        if !running {
            return true;
        }
    }
    fs::symlink_metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|modified| SystemTime::now().duration_since(modified).ok())
        .is_some_and(|age| age >= STALE_AFTER)
}

/// Whether process `pid` runs on this machine, where the system says (Linux's `/proc`).
fn process_is_running(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return None;
    }
    Some(proc.join(pid.to_string()).exists())
}

fn remove_any(path: &Path) {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => {
            let _ = fs::remove_dir_all(path);
        }
        Ok(_) => {
            let _ = fs::remove_file(path);
        }
        Err(_) => {}
    }
}

/// Makes a folder's entries (new names, renames) durable; a failure only weakens durability
/// against a power cut, not the all-or-nothing order, so it is ignored.
fn sync_folder(path: &Path) {
    if let Ok(folder) = fs::File::open(path) {
        let _ = folder.sync_all();
    }
}

fn write_error(path: &Path, source: std::io::Error) -> ReportError {
    ReportError::Write {
        path: path.display().to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(tag: &str) -> Vec<(String, Vec<u8>)> {
        vec![
            (
                "summary.csv".to_string(),
                format!("summary {tag}").into_bytes(),
            ),
            (
                "charts/volume.svg".to_string(),
                format!("<svg>{tag}</svg>").into_bytes(),
            ),
            (
                "report.html".to_string(),
                format!("<html>{tag}</html>").into_bytes(),
            ),
        ]
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_new_set_replaces_the_old_one_whole_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("today");
        publish_folder(&out, &set("old")).unwrap();
        fs::write(out.join("charts").join("stale.png"), b"png").unwrap();
        let paths = publish_folder(&out, &set("new")[..2]).unwrap();
        assert_eq!(
            paths,
            vec![out.join("summary.csv"), out.join("charts/volume.svg")]
        );
        assert_eq!(fs::read(out.join("summary.csv")).unwrap(), b"summary new");
        // The old report.html and the stale chart are gone with the old set.
        assert_eq!(listing(&out), ["charts", "summary.csv"]);
        assert_eq!(listing(&out.join("charts")), ["volume.svg"]);
        assert_eq!(listing(dir.path()), ["today"]);
    }

    #[test]
    fn a_folder_with_other_files_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("today");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("summary.csv"), b"old").unwrap();
        fs::write(out.join("notes.txt"), b"mine").unwrap();
        let error = publish_folder(&out, &set("new")).unwrap_err().to_string();
        assert!(error.contains("notes.txt"), "{error}");
        assert_eq!(fs::read(out.join("notes.txt")).unwrap(), b"mine");
        assert_eq!(fs::read(out.join("summary.csv")).unwrap(), b"old");
        assert_eq!(listing(dir.path()), ["today"]);
        fs::write(dir.path().join("file"), b"x").unwrap();
        assert!(publish_folder(&dir.path().join("file"), &set("new")).is_err());
    }

    #[test]
    fn stale_temporaries_of_dead_processes_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        // No process has pid 4294967295; this test's process is alive.
        let dead = dir.path().join(".today.4294967295.tmp");
        let dead_old = dir.path().join(".today.4294967295.old");
        fs::create_dir(&dead).unwrap();
        fs::create_dir(&dead_old).unwrap();
        let other = dir.path().join(".other.4294967295.tmp");
        fs::create_dir(&other).unwrap();
        publish_folder(&dir.path().join("today"), &set("new")).unwrap();
        assert_eq!(listing(dir.path()), [".other.4294967295.tmp", "today"]);
    }

    #[test]
    fn a_hook_sees_every_step_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("today");
        publish_folder(&out, &set("old")).unwrap();
        let mut steps = Vec::new();
        publish_folder_with(&out, &set("new"), &mut |step| steps.push(step)).unwrap();
        use PublishStep::*;
        assert_eq!(
            steps,
            [
                Staged(1),
                Staged(2),
                Staged(3),
                AllStaged,
                OldMovedAside,
                Published
            ]
        );
        for text in ["staged:2", "all-staged", "old-moved-aside", "published"] {
            assert!(PublishStep::parse(text).is_some(), "{text}");
        }
        assert_eq!(PublishStep::parse("staged:x"), None);
    }

    #[test]
    fn the_current_folder_is_never_replaced() {
        let cwd = std::env::current_dir().unwrap();
        let error = publish_folder(&cwd, &set("x")).unwrap_err();
        assert!(
            matches!(error, ReportError::NotAFolderName { .. }),
            "{error}"
        );
    }
}
