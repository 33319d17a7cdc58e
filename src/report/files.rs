//! Atomic report files inside a folder that holds other things too (a sweep folder beside its
//! parts, a baseline file): each file is written to a temporary name in the target folder and
//! renamed into place only when every file of the set has been written, so a failed write
//! never leaves a truncated file; temporaries of interrupted writers are removed. A whole
//! report folder is published by `publish.rs` instead, which also rules out a mix of old and
//! new files when the process is killed while renaming.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::publish::is_stale;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A chart could not be drawn.
    #[error("cannot draw chart {chart}: {message}")]
    Chart { chart: String, message: String },
    /// A report file could not be written. The operating system's reason is the source, so
    /// that it is printed once in an error chain.
    #[error("cannot write {path}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The report folder would replace something that is not a report folder.
    #[error("{}", foreign_message(path, entries))]
    Foreign { path: String, entries: Vec<String> },
    /// The path names no folder that can be replaced (`/`, or the current folder or one above it).
    #[error("{path}: reports cannot replace this folder (the root, or the current folder or one above it); name a folder of its own")]
    NotAFolderName { path: String },
}

impl ReportError {
    /// Whether the error comes from the path the user chose rather than from the system.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            ReportError::Foreign { .. } | ReportError::NotAFolderName { .. }
        )
    }
}

fn foreign_message(path: &str, entries: &[String]) -> String {
    if entries.is_empty() {
        return format!("{path} is a file, not a folder: reports are written into a folder of their own, so name a new or empty folder");
    }
    format!("{path} holds {} that routesim did not write: a report replaces the whole folder, so choose a new or empty folder, or move them away", foreign_list(entries))
}

fn foreign_list(entries: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut list = entries
        .iter()
        .take(SHOWN)
        .map(|e| format!("\"{e}\""))
        .collect::<Vec<_>>()
        .join(", ");
    if entries.len() > SHOWN {
        list.push_str(&format!(" and {} more", entries.len() - SHOWN));
    }
    format!("files ({list})")
}

/// Removes the charts (`charts/*.svg`) an earlier report left in `dir` that this set of
/// `files` does not write, such as a sweep's charts when it is merged again with
/// `--charts none`, so that no chart stays beside tables it was not drawn from. The `charts`
/// folder goes too once empty; anything else in it is left alone.
pub fn remove_stale_charts(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), ReportError> {
    let charts = dir.join("charts");
    let Ok(entries) = fs::read_dir(&charts) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let written = files
            .iter()
            .any(|(file, _)| *file == format!("charts/{name}"));
        if name.ends_with(".svg") && !written && entry.path().is_file() {
            fs::remove_file(entry.path()).map_err(|source| ReportError::Write {
                path: entry.path().display().to_string(),
                source,
            })?;
        }
    }
    // Only if empty: `remove_dir` refuses a folder that still holds something.
    let _ = fs::remove_dir(&charts);
    Ok(())
}

/// Writes `(file name, bytes)` pairs into `dir`, all or nothing. Returns the final paths. A name
/// may hold a subfolder (`charts/volume.svg`); the subfolder is created and its temporary file
/// sits beside the target, so the rename never crosses folders.
pub fn write_files_atomically(
    dir: &Path,
    files: &[(String, Vec<u8>)],
) -> Result<Vec<PathBuf>, ReportError> {
    let error = |path: &Path, source| ReportError::Write {
        path: path.display().to_string(),
        source,
    };
    fs::create_dir_all(dir).map_err(|e| error(dir, e))?;
    let pid = std::process::id();
    for (name, _) in files {
        let target = dir.join(name);
        if let (Some(folder), Some(file_name)) = (target.parent(), target.file_name()) {
            remove_stale_temporaries(folder, &file_name.to_string_lossy());
        }
    }
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let cleanup = |staged: &[(PathBuf, PathBuf)]| {
        for (temporary, _) in staged {
            let _ = fs::remove_file(temporary);
        }
    };
    for (name, bytes) in files {
        let target = dir.join(name);
        let folder = target.parent().unwrap_or(dir);
        if let Err(e) = fs::create_dir_all(folder) {
            cleanup(&staged);
            return Err(error(folder, e));
        }
        let file_name = target
            .file_name()
            .map_or_else(|| name.clone(), |f| f.to_string_lossy().into_owned());
        let temporary = folder.join(format!(".{file_name}.{pid}.tmp"));
        let written = fs::File::create(&temporary).and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        });
        staged.push((temporary.clone(), target.clone()));
        if let Err(e) = written {
            cleanup(&staged);
            return Err(error(&target, e));
        }
    }
    for (idx, (temporary, target)) in staged.iter().enumerate() {
        if let Err(e) = fs::rename(temporary, target) {
            cleanup(&staged[idx..]);
            return Err(error(target, e));
        }
    }
    Ok(staged.into_iter().map(|(_, target)| target).collect())
}

/// Removes `.<file>.<pid>.tmp` files in `folder` left by writers that were interrupted.
fn remove_stale_temporaries(folder: &Path, file_name: &str) {
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    let prefix = format!(".{file_name}.");
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|pid| pid.parse::<u32>().ok());
        if let Some(pid) = pid {
            if entry.file_type().is_ok_and(|t| t.is_file()) && is_stale(&entry.path(), pid) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_written_whole_and_no_temporary_file_remains() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![
            ("a.csv".to_string(), b"x,y\n1,2\n".to_vec()),
            ("b.csv".to_string(), b"z\n".to_vec()),
        ];
        let paths = write_files_atomically(dir.path(), &files).unwrap();
        assert_eq!(fs::read(&paths[0]).unwrap(), b"x,y\n1,2\n");
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn files_in_a_subfolder_are_written_through_it() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![
            ("charts/a.svg".to_string(), b"<svg/>".to_vec()),
            ("report.html".to_string(), b"x".to_vec()),
        ];
        write_files_atomically(dir.path(), &files).unwrap();
        assert_eq!(
            fs::read(dir.path().join("charts").join("a.svg")).unwrap(),
            b"<svg/>"
        );
        let in_charts: Vec<_> = fs::read_dir(dir.path().join("charts")).unwrap().collect();
        assert_eq!(
            in_charts.len(),
            1,
            "no temporary file is left in the subfolder"
        );
    }

    #[test]
    fn a_failed_write_leaves_earlier_files_untouched() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.csv"), b"old").unwrap();
        // A directory where the second file should go makes its rename fail.
        fs::create_dir(dir.path().join("b.csv")).unwrap();
        fs::write(dir.path().join("b.csv").join("keep"), b"").unwrap();
        let files = vec![
            ("a.csv".to_string(), b"new".to_vec()),
            ("b.csv".to_string(), b"z".to_vec()),
        ];
        assert!(write_files_atomically(dir.path(), &files).is_err());
        let leftovers = fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();
        assert_eq!(leftovers, 0);
    }

    #[test]
    fn stale_temporaries_of_an_interrupted_writer_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        // No process has this pid, so its temporary is stale; another file's is not ours.
        fs::write(dir.path().join(".a.csv.4294967295.tmp"), b"half").unwrap();
        fs::write(dir.path().join(".other.csv.4294967295.tmp"), b"x").unwrap();
        write_files_atomically(dir.path(), &[("a.csv".to_string(), b"whole".to_vec())]).unwrap();
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".other.csv.4294967295.tmp", "a.csv"]);
    }

    #[test]
    fn an_io_error_names_the_path_and_keeps_the_os_reason_as_its_source() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("file"), b"").unwrap();
        // A folder cannot be created below a file.
        let error = write_files_atomically(&dir.path().join("file").join("sub"), &[]).unwrap_err();
        let shown = error.to_string();
        let source = std::error::Error::source(&error).unwrap().to_string();
        assert!(shown.starts_with("cannot write "), "{shown}");
        assert!(!shown.contains(&source), "{shown} repeats {source}");
    }
}
