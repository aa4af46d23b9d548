//! Rows to candles. A row that is not a candle at all (wrong column count, not a number) is
//! malformed and reported with its line; a row that is a candle goes to the integrity checks.

use std::path::Path;

use cst_market::Candle;
use csv::{ByteRecord, ReaderBuilder};

use crate::{Format, ImportError};

/// Candles read from one file, and the lines that could not be read.
#[derive(Debug, Default)]
pub struct Parsed {
    pub candles: Vec<Candle>,
    pub malformed: Vec<(u64, String)>,
}

const HEADER: [&str; 6] = ["ts", "open", "high", "low", "close", "volume"];
const FIELDS: [&str; 7] = ["time", "open", "high", "low", "close", "volume", "trades"];

fn number<T: std::str::FromStr>(rec: &ByteRecord, i: usize) -> Result<T, String> {
    let raw = rec.get(i).unwrap_or_default();
    std::str::from_utf8(raw)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| {
            format!(
                "{} {:?} is not a number",
                FIELDS[i],
                String::from_utf8_lossy(raw)
            )
        })
}

fn row(rec: &ByteRecord, format: Format) -> Result<Candle, String> {
    let want = if format == Format::Csv { 6 } else { 7 };
    if rec.len() != want {
        return Err(format!("{} fields, expected {want}", rec.len()));
    }
    Ok(Candle {
        open_time: number(rec, 0)?,
        open: number(rec, 1)?,
        high: number(rec, 2)?,
        low: number(rec, 3)?,
        close: number(rec, 4)?,
        volume: number(rec, 5)?,
        trades: if format == Format::KrakenOhlcvt {
            Some(number(rec, 6)?)
        } else {
            None
        },
    })
}

pub fn parse_file(path: &Path, format: Format) -> Result<Parsed, ImportError> {
    regular_file(path)?;
    let file = std::fs::File::open(path).map_err(|e| ImportError::Csv {
        path: path.to_path_buf(),
        source: e.into(),
    })?;
    parse_reader(file, path, format)
}

/// Refuses what is not a regular file before opening it: opening a FIFO blocks until some
/// writer appears, and a device can be endless.
fn regular_file(path: &Path) -> Result<(), ImportError> {
    use std::os::unix::fs::FileTypeExt;
    let t = std::fs::metadata(path)
        .map_err(|source| ImportError::Read {
            path: path.to_path_buf(),
            source,
        })?
        .file_type();
    let kind = if t.is_file() {
        return Ok(());
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_dir() {
        "a directory"
    } else {
        "not a file"
    };
    Err(ImportError::NotAFile {
        path: path.to_path_buf(),
        kind,
    })
}

/// [`parse_file`] over any reader (the fuzz target feeds bytes from memory); `path` only
/// names the source in errors.
pub fn parse_reader(
    input: impl std::io::Read,
    path: &Path,
    format: Format,
) -> Result<Parsed, ImportError> {
    let csv_err = |source| ImportError::Csv {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = ReaderBuilder::new()
        .has_headers(format == Format::Csv)
        .flexible(true)
        .from_reader(input);
    if format == Format::Csv {
        let header = reader.headers().map_err(csv_err)?;
        if header.iter().map(str::trim).ne(HEADER) {
            return Err(ImportError::Header {
                path: path.to_path_buf(),
                found: header.iter().collect::<Vec<_>>().join(","),
            });
        }
    }
    let mut parsed = Parsed::default();
    let mut rec = ByteRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => match row(&rec, format) {
                Ok(candle) => parsed.candles.push(candle),
                Err(reason) => parsed.malformed.push((line, reason)),
            },
            Err(e) => parsed.malformed.push((line, e.to_string())),
        }
    }
    Ok(parsed)
}
