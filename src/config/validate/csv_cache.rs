//! CSV inputs read once while a sweep is built: the sweep validates every point from the same
//! scenario table, so without this a trace or a curve file would be read and parsed once per
//! point (a 13 MB trace took 0.2 s, so 500 points took over a minute) and every point would
//! hold its own copy of it. Only inside [`sharing_csv_reads`] are reads kept (on this thread,
//! until it returns), by the file's path, length and modification time and by what was read
//! from it; failed reads are not kept. Elsewhere every validation reads its files afresh.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// (path, length, modification time, what was read: the kind and its parameters).
type Key = (PathBuf, u64, Option<SystemTime>, String);

type Reads = HashMap<Key, Arc<dyn Any + Send + Sync>>;

thread_local! {
    static READS: RefCell<Option<Reads>> = const { RefCell::new(None) };
}

/// Runs `f` with CSV reads shared: a file read twice for the same thing while `f` runs is read
/// once, and the two results are the same allocation. Nested calls share the outer reads.
pub fn sharing_csv_reads<R>(f: impl FnOnce() -> R) -> R {
    struct Scope {
        outermost: bool,
    }
    impl Drop for Scope {
        fn drop(&mut self) {
            if self.outermost {
                READS.with(|reads| *reads.borrow_mut() = None);
            }
        }
    }
    let outermost = READS.with(|reads| {
        let mut reads = reads.borrow_mut();
        let outermost = reads.is_none();
        if outermost {
            *reads = Some(HashMap::new());
        }
        outermost
    });
    let _scope = Scope { outermost };
    f()
}

/// `read()`'s result for `what` of the file at `path`: inside [`sharing_csv_reads`], from an
/// earlier identical read if the file has not changed since. `what` names the kind of read and
/// its parameters (a column, a start column), so reads of one file that differ are kept apart.
pub(super) fn cached<T: Send + Sync + 'static>(
    path: &Path,
    what: &str,
    read: impl FnOnce() -> Result<T, String>,
) -> Result<Arc<T>, String> {
    let sharing = READS.with(|reads| reads.borrow().is_some());
    let metadata = std::fs::metadata(path);
    let (true, Ok(metadata)) = (sharing, metadata) else {
        // Not sharing, or the file is not there: the read itself says why.
        return read().map(Arc::new);
    };
    let key: Key = (
        path.to_path_buf(),
        metadata.len(),
        metadata.modified().ok(),
        what.to_string(),
    );
    let found = READS.with(|reads| reads.borrow().as_ref().and_then(|r| r.get(&key).cloned()));
    if let Some(value) = found.and_then(|value| value.downcast::<T>().ok()) {
        return Ok(value);
    }
    let value = Arc::new(read()?);
    let shared: Arc<dyn Any + Send + Sync> = value.clone();
    READS.with(|reads| {
        if let Some(reads) = reads.borrow_mut().as_mut() {
            reads.insert(key, shared);
        }
    });
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn inside_a_scope_a_file_is_read_once_until_it_changes_and_outside_every_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        std::fs::write(&path, "x\n1\n").unwrap();
        let reads = Cell::new(0);
        let read = |value: u32| {
            reads.set(reads.get() + 1);
            Ok::<u32, String>(value)
        };
        // Outside a scope nothing is kept.
        assert_eq!(*cached(&path, "column x", || read(1)).unwrap(), 1);
        assert_eq!(*cached(&path, "column x", || read(2)).unwrap(), 2);
        assert_eq!(reads.get(), 2);
        sharing_csv_reads(|| {
            let first = cached(&path, "column x", || read(3)).unwrap();
            let again = sharing_csv_reads(|| cached(&path, "column x", || read(4)).unwrap());
            assert!(Arc::ptr_eq(&first, &again));
            assert_eq!(reads.get(), 3);
            // Another column of the same file is another read.
            assert_eq!(*cached(&path, "column y", || read(5)).unwrap(), 5);
            assert_eq!(reads.get(), 4);
            // A changed file (here: its length) is read again.
            std::fs::write(&path, "x\n1\n2\n").unwrap();
            assert_eq!(*cached(&path, "column x", || read(6)).unwrap(), 6);
            assert_eq!(reads.get(), 5);
            // Failures are not kept.
            assert!(cached::<u32>(&path, "column z", || Err("bad".into())).is_err());
            assert_eq!(*cached(&path, "column z", || read(7)).unwrap(), 7);
        });
        // The scope's reads are gone with it.
        assert_eq!(*cached(&path, "column x", || read(8)).unwrap(), 8);
    }
}
