//! Opening input files (weights, data, suites, results) only when they are
//! regular files, and reading them no further than the size they had when
//! opened: `/dev/zero`, a FIFO or a terminal would otherwise hang a hash or
//! fill memory.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

fn kind(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else {
        "not a file"
    }
}

fn refuse(meta: &std::fs::Metadata) -> io::Error {
    io::Error::other(format!("not a regular file ({}): refused", kind(meta)))
}

/// Opens `path` (following symbolic links) for reading if it is a regular
/// file, returning it with its size. A FIFO is refused before it is opened,
/// so the call never blocks waiting for a writer.
pub fn open_regular(path: &Path) -> io::Result<(File, u64)> {
    let before = std::fs::metadata(path)?;
    if !before.is_file() {
        return Err(refuse(&before));
    }
    let file = File::open(path)?;
    // The path may have been swapped between the two calls: judge what was opened.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(refuse(&meta));
    }
    Ok((file, meta.len()))
}

/// Reads a regular file whole, never more than its size at opening.
pub fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    let (file, len) = open_regular(path)?;
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(usize::try_from(len).unwrap_or(usize::MAX))
        .map_err(|_| io::Error::new(io::ErrorKind::OutOfMemory, format!("{len} bytes do not fit in memory")))?;
    file.take(len).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads a regular UTF-8 text file whole, never more than its size at opening.
pub fn read_regular_to_string(path: &Path) -> io::Result<String> {
    String::from_utf8(read_regular(path)?)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("not UTF-8 text: {}", e.utf8_error())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn devices_fifos_and_folders_are_refused_without_blocking() {
        let err = open_regular(Path::new("/dev/zero")).unwrap_err().to_string();
        assert_eq!(err, "not a regular file (a character device): refused");
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            // Opening a FIFO for reading would block until a writer came.
            assert_eq!(read_regular(&fifo).unwrap_err().to_string(), "not a regular file (a FIFO): refused");
        }
        assert!(read_regular_to_string(dir.path()).unwrap_err().to_string().contains("a folder"));
    }

    #[test]
    fn a_regular_file_reads_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "hello").unwrap();
        assert_eq!(read_regular_to_string(&p).unwrap(), "hello");
        assert_eq!(open_regular(&p).unwrap().1, 5);
    }
}
