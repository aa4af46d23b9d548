//! Content-addressed blobs (models, reports) under `HOME/data/blobs/`: the name is the
//! sha256 of the content, so a blob can be verified on every read and never silently
//! changes. Writes are atomic: temp file, fsync, rename, fsync of the directory, so a crash
//! leaves either the whole blob or none.

use std::{
    fmt,
    fs::{self, File},
    io::Write,
    path::{Path, PathBuf},
};

use sha2::{Digest, Sha256};

use crate::StoreError;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobId(String);

impl BlobId {
    pub fn of(bytes: &[u8]) -> Self {
        Self(hex::encode(Sha256::digest(bytes)))
    }

    pub fn parse(text: &str) -> Result<Self, StoreError> {
        let ok = text.len() == 64
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| Self(text.to_string()))
            .ok_or_else(|| StoreError::BadBlobId(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Writes `bytes` to `path` so a crash leaves the whole file or none: a temp file beside
/// it, fsync, rename, fsync of the directory. Creates the directory. Reports (daily, per
/// training run) are written the same way.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    fs::create_dir_all(&dir).map_err(io(&dir))?;
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let mut file = File::create(&tmp).map_err(io(&tmp))?;
    file.write_all(bytes).map_err(io(&tmp))?;
    file.sync_all().map_err(io(&tmp))?;
    drop(file);
    fs::rename(&tmp, path).map_err(io(path))?;
    File::open(&dir)
        .and_then(|d| d.sync_all())
        .map_err(io(&dir))?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct BlobStore {
    dir: PathBuf,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::BlobIo {
        path: path.to_path_buf(),
        source,
    }
}

impl BlobStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// `ab/abcdef…`: two-level layout keeps directories small.
    fn path(&self, id: &BlobId) -> PathBuf {
        self.dir.join(&id.0[..2]).join(&id.0)
    }

    /// Stores `bytes` and returns their id; storing the same bytes again is a no-op.
    pub fn put(&self, bytes: &[u8]) -> Result<BlobId, StoreError> {
        let id = BlobId::of(bytes);
        let path = self.path(&id);
        if path.exists() {
            return Ok(id);
        }
        write_atomic(&path, bytes)?;
        Ok(id)
    }

    /// Reads a blob and checks that its content still hashes to its id.
    pub fn get(&self, id: &BlobId) -> Result<Vec<u8>, StoreError> {
        let path = self.path(id);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::BlobMissing(id.to_string()));
            }
            Err(e) => return Err(io(&path)(e)),
        };
        let actual = BlobId::of(&bytes);
        if &actual != id {
            return Err(StoreError::BlobCorrupt {
                id: id.to_string(),
                actual: actual.0,
            });
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_round_trip_and_are_named_by_their_sha256() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = BlobStore::new(dir.path());
        let id = blobs.put(b"model bytes").unwrap();
        // `printf 'model bytes' | sha256sum`
        assert_eq!(
            id.as_str(),
            "9cb7487000bc86ac36ce83c4acfabe8878552be99572a6770f65ab1d048a5c48"
        );
        assert_eq!(blobs.get(&id).unwrap(), b"model bytes");
        assert_eq!(
            blobs.put(b"model bytes").unwrap(),
            id,
            "same content, same blob"
        );
        // No temp files left behind.
        let leftovers = fs::read_dir(dir.path().join(&id.as_str()[..2]))
            .unwrap()
            .count();
        assert_eq!(leftovers, 1);
    }

    #[test]
    fn a_corrupted_blob_is_refused_on_read() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = BlobStore::new(dir.path());
        let id = blobs.put(b"model bytes").unwrap();
        fs::write(blobs.path(&id), b"model bytez").unwrap();
        let err = blobs.get(&id).unwrap_err();
        assert!(matches!(err, StoreError::BlobCorrupt { .. }), "{err}");
        let missing = BlobId::of(b"never stored");
        assert!(matches!(
            blobs.get(&missing).unwrap_err(),
            StoreError::BlobMissing(_)
        ));
        assert!(BlobId::parse("../../etc/passwd").is_err());
    }
}
