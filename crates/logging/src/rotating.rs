//! A log file that rotates by size: when the next write would pass `max_bytes`, `name.log`
//! becomes `name.log.1`, older files shift up, and the oldest beyond `keep` is deleted.

use std::{
    fs::{self, File, OpenOptions},
    io::{self, Write},
    path::{Path, PathBuf},
};

#[derive(Debug)]
pub struct RotatingFile {
    path: PathBuf,
    file: File,
    size: u64,
    max_bytes: u64,
    keep: u32,
}

impl RotatingFile {
    /// Opens (appending) `path`, creating its directory.
    pub fn open(path: impl Into<PathBuf>, max_bytes: u64, keep: u32) -> io::Result<Self> {
        let path = path.into();
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        let size = file.metadata()?.len();
        Ok(Self {
            path,
            file,
            size,
            max_bytes,
            keep,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn rotated(&self, n: u32) -> PathBuf {
        let mut name = self.path.clone().into_os_string();
        name.push(format!(".{n}"));
        PathBuf::from(name)
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.file.flush()?;
        if self.keep == 0 {
            self.file = OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(true)
                .open(&self.path)?;
            self.size = 0;
            return Ok(());
        }
        let _ = fs::remove_file(self.rotated(self.keep));
        for n in (1..self.keep).rev() {
            let from = self.rotated(n);
            if from.exists() {
                fs::rename(&from, self.rotated(n + 1))?;
            }
        }
        fs::rename(&self.path, self.rotated(1))?;
        self.file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        self.size = 0;
        Ok(())
    }
}

impl Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.size > 0 && self.size + buf.len() as u64 > self.max_bytes {
            self.rotate()?;
        }
        self.file.write_all(buf)?;
        self.size += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotates_by_size_and_keeps_only_keep_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a").join("a.log");
        let mut f = RotatingFile::open(&path, 100, 2).unwrap();
        for i in 0..20 {
            // One write per line, as the tracing layer and the log capture do.
            f.write_all(format!("line {i:03} {}\n", "x".repeat(30)).as_bytes())
                .unwrap();
        }
        let current = fs::read_to_string(&path).unwrap();
        assert!(
            current.len() <= 100,
            "current file grew past max: {}",
            current.len()
        );
        assert!(current.contains("line 019"));
        assert!(path.with_extension("log.1").exists());
        assert!(path.with_extension("log.2").exists());
        assert!(
            !path.with_extension("log.3").exists(),
            "kept more than 2 rotated files"
        );
        // Nothing is split: every file holds whole lines.
        for p in [path.clone(), path.with_extension("log.1")] {
            assert!(fs::read_to_string(p).unwrap().ends_with('\n'));
        }
    }

    #[test]
    fn reopening_appends_and_counts_existing_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.log");
        {
            let mut f = RotatingFile::open(&path, 60, 1).unwrap();
            f.write_all(b"0123456789012345678901234567890123456789\n")
                .unwrap();
        }
        let mut f = RotatingFile::open(&path, 60, 1).unwrap();
        f.write_all(b"second line that does not fit\n").unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "second line that does not fit\n"
        );
        assert!(path.with_extension("log.1").exists());
    }
}
