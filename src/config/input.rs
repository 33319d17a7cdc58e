//! Reading the files a user names: only regular files, and only up to a size limit, so that a
//! named pipe, a device such as `/dev/zero` or a folder is refused at once instead of blocking
//! or filling memory.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

/// The bytes of a regular file of at most `limit` bytes. The error says what was wrong, in
/// words (an `InvalidInput` error for a file that is not regular or too large).
pub fn read_regular_file(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = open_regular_file(path, limit)?;
    let mut bytes = Vec::new();
    // The size can change between the check and the read: read one byte past the limit to know.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

/// [`read_regular_file`] as UTF-8 text.
pub fn read_regular_text(path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read_regular_file(path, limit)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "the file is not UTF-8 text"))
}

/// Opens `path` for reading once it is known to be a regular file of at most `limit` bytes;
/// checked before opening, because opening a named pipe already blocks.
pub fn open_regular_file(path: &Path, limit: u64) -> io::Result<fs::File> {
    let metadata = fs::metadata(path)?;
    if !metadata.is_file() {
        let what = if metadata.is_dir() {
            "a folder"
        } else {
            "not a regular file (a device, a named pipe or a socket)"
        };
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("it is {what}; only regular files are read"),
        ));
    }
    if metadata.len() > limit {
        return Err(too_large(limit));
    }
    fs::File::open(path)
}

fn too_large(limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("the file is larger than {} MiB", limit >> 20),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.csv");
        fs::write(&file, b"x\n1\n").unwrap();
        assert_eq!(read_regular_file(&file, 4).unwrap(), b"x\n1\n");
        let error = read_regular_file(&file, 3).unwrap_err();
        assert_eq!(error.to_string(), "the file is larger than 0 MiB");
        let error = read_regular_file(dir.path(), 100).unwrap_err();
        assert!(error.to_string().contains("it is a folder"), "{error}");
        if Path::new("/dev/zero").exists() {
            let error = read_regular_file(Path::new("/dev/zero"), 100).unwrap_err();
            assert!(error.to_string().contains("not a regular file"), "{error}");
        }
    }
}
