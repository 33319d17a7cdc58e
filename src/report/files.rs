//! Atomic report files: each file is written to a temporary name in the target folder and
//! renamed into place only when every file of the set has been written, so an interrupted or
//! failed run never leaves a truncated report or a mix of old and new files.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A chart could not be drawn.
    #[error("cannot draw chart {chart}: {message}")]
    Chart { chart: String, message: String },
    /// A report file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
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
}
