//! Importers on the real recorded files in ../shared/data (read in place) and on small
//! broken files derived from their rows.

use std::path::{Path, PathBuf};

use cst_import::{FileOutcome, Format, import};
use cst_market::Timeframe;
use cst_store::{CandleKey, Store};

fn shared(rel: &str) -> PathBuf {
    cst_testkit::data(rel)
}

fn store(dir: &Path) -> Store {
    Store::open(&dir.join("cst.db")).unwrap()
}

#[test]
fn kraken_bulk_history_imports_a_whole_year_of_xbtusd() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(dir.path());
    let file = shared("kraken-ohlcvt/XBTUSD_60.csv");
    let summary = import(
        &mut s,
        std::slice::from_ref(&file),
        Format::KrakenOhlcvt,
        "kraken",
    )
    .unwrap();
    let key = CandleKey::new("kraken", "XBT/USD", Timeframe::H1);
    let stored = s.candle_count(&key).unwrap();
    assert_eq!(summary.inserted(), stored);
    assert!(stored > 8_000, "{stored}");
    let first = s.candles_between(&key, 1640995200, 1640998800).unwrap();
    assert_eq!(first.len(), 1);
    let c = first[0];
    assert_eq!(
        (c.open, c.high, c.low, c.close, c.trades),
        (46150.0, 46708.9, 46150.0, 46663.3, Some(1399))
    );
    // Whatever hours the file lacks are gaps, reported, not filled.
    let missing: i64 = s.gaps(&key).unwrap().iter().map(|g| g.missing).sum();
    assert_eq!(
        stored as i64 + missing,
        (s.latest_candles(&key, 1).unwrap()[0].open_time - 1640995200) / 3600 + 1
    );
    // Importing again changes nothing.
    let again = import(&mut s, &[file], Format::KrakenOhlcvt, "kraken").unwrap();
    assert_eq!((again.inserted(), again.unchanged()), (0, stored));
}

#[test]
fn a_csv_directory_imports_every_pair_and_keeps_real_outage_gaps() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("csv");
    std::fs::create_dir(&data).unwrap();
    // Two real files, linked rather than copied.
    for name in ["BTC-USDT.csv", "ETH-USDT.csv"] {
        std::os::unix::fs::symlink(
            shared("ohlcv-1h/binance-2021-2022").join(name),
            data.join(name),
        )
        .unwrap();
    }
    let mut s = store(dir.path());
    let files = cst_import::files::csv_files(&data).unwrap();
    let summary = import(&mut s, &files, Format::Csv, "binance").unwrap();
    assert_eq!(summary.failed().count(), 0);
    for pair in ["BTC/USDT", "ETH/USDT"] {
        let key = CandleKey::new("binance", pair, Timeframe::H1);
        assert!(s.candle_count(&key).unwrap() > 11_000);
        // The 2021-2022 files contain real exchange outages: they must show as gaps.
        assert!(
            !s.gaps(&key).unwrap().is_empty(),
            "{pair}: outage gaps vanished"
        );
    }
}

#[test]
fn broken_rows_are_rejected_by_kind_and_the_rest_imported() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("csv");
    std::fs::create_dir(&data).unwrap();
    // Rows of BTC-USDT.csv (binance-2024), with faults written in.
    let rows = "ts,open,high,low,close,volume
1704067200,42283.58,42554.57,42261.02,42475.23,1271.68108
1704070800,42475.23,42775,42431.65,42613.56,1196.37856
1704070800,42475.23,42775,42431.65,42700.01,1196.37856
1704074400,42613.57,42638.41,42500,NaN,685.7541
1704078000,-42581.09,42586.64,42230.08,42330.49,794.80391
1704081600,42330.5,42300,42200,42400,500
1704085200,42400,42500,42450,42420,500
1704088800,42420,42500,42400,42450,-1
1704092460,42450,42500,42400,42460,500
1704096000,42460,42500,not-a-number,42470,500
1704099600,42470,42500
1704103200,42480,42500,42400,42490,500
";
    std::fs::write(data.join("BTC-USDT.csv"), rows).unwrap();
    std::fs::write(data.join("prices.csv"), "ts,open,high,low,close,volume\n").unwrap();
    std::fs::write(data.join("ETH-USDT.csv"), "time,o,h,l,c,v\n").unwrap();
    let mut s = store(dir.path());
    let files = cst_import::files::csv_files(&data).unwrap();
    let summary = import(&mut s, &files, Format::Csv, "binance").unwrap();
    let kinds: Vec<(&str, u64)> = summary.rejected_by_kind().into_iter().collect();
    assert_eq!(
        kinds,
        [
            ("conflicting_duplicate", 1),
            ("high_below_body", 1),
            ("low_above_body", 1),
            ("malformed", 2),
            ("negative_volume", 1),
            ("non_positive_price", 1),
            ("not_finite", 1),
            ("off_boundary", 1),
        ]
    );
    assert_eq!(summary.inserted(), 3);
    let failed: Vec<String> = summary
        .failed()
        .map(|(p, e)| format!("{}: {e}", p.display()))
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(failed.iter().any(|f| f.contains("header is")), "{failed:?}");
    assert!(
        failed.iter().any(|f| f.contains("does not say which pair")),
        "{failed:?}"
    );
    // The store keeps the count, so the data-quality view can show it later.
    let key = CandleKey::new("binance", "BTC/USDT", Timeframe::H1);
    let total: u64 = s
        .rejection_counts(&key)
        .unwrap()
        .iter()
        .map(|(_, n)| n)
        .sum();
    assert_eq!(total, 9);
    // The kept candles are exactly the good rows.
    let kept: Vec<i64> = s
        .latest_candles(&key, 100)
        .unwrap()
        .iter()
        .map(|c| c.open_time)
        .collect();
    assert_eq!(kept, [1704067200, 1704070800, 1704103200]);
    match &summary.files[0] {
        FileOutcome::Imported { gaps, .. } => assert_eq!(*gaps, 1),
        other => panic!("{other:?}"),
    }
}

#[test]
fn open_times_too_far_apart_to_subtract_are_refused_as_implausible_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("csv");
    std::fs::create_dir(&data).unwrap();
    // The first row of BTC-USDT.csv (binance-2024) at two hours near the ends of i64: their
    // distance does not fit in an i64, and no market traded at either.
    let row = "42283.58,42554.57,42261.02,42475.23,1271.68108";
    let (early, late) = (i64::MIN / 3600 * 3600 + 3600, i64::MAX / 3600 * 3600);
    std::fs::write(
        data.join("BTC-USDT.csv"),
        format!("ts,open,high,low,close,volume\n{early},{row}\n{late},{row}\n"),
    )
    .unwrap();
    let mut s = store(dir.path());
    let files = cst_import::files::csv_files(&data).unwrap();
    let summary = import(&mut s, &files, Format::Csv, "binance").unwrap();
    let gaps: Vec<usize> = summary
        .files
        .iter()
        .filter_map(|f| match f {
            cst_import::run::FileOutcome::Imported { gaps, .. } => Some(*gaps),
            _ => None,
        })
        .collect();
    assert_eq!(gaps, [0], "{summary:?}");
    assert_eq!(summary.rejected_by_kind().get("implausible_time"), Some(&2));
}

#[test]
fn the_probes_implausible_open_times_are_refused_with_their_rows_and_real_rows_kept() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("csv");
    std::fs::create_dir(&data).unwrap();
    // Two real hours of BTC-USDT (binance-2024), then the same values at the open times a
    // careless export produces: milliseconds, zero, negative, year 2100, year 10000.
    let real =
        std::fs::read_to_string(cst_testkit::data("ohlcv-1h/binance-2024/BTC-USDT.csv")).unwrap();
    let lines: Vec<&str> = real.lines().take(3).collect();
    let values = lines[1].split_once(',').unwrap().1;
    let probe = [
        1_622_505_600_000_i64,
        0,
        -3600,
        4_102_444_800,
        253_402_300_800,
    ];
    let mut text = lines.join("\n");
    for t in probe {
        text.push_str(&format!("\n{t},{values}"));
    }
    std::fs::write(data.join("BTC-USDT.csv"), text + "\n").unwrap();
    let mut s = store(dir.path());
    let files = cst_import::files::csv_files(&data).unwrap();
    let summary = import(&mut s, &files, Format::Csv, "binance").unwrap();
    assert_eq!(summary.rejected_by_kind().get("implausible_time"), Some(&5));
    let key = cst_store::CandleKey::new("binance", "BTC/USDT", cst_market::Timeframe::H1);
    assert_eq!(s.candle_count(&key).unwrap(), 2, "the real hours are kept");
    assert_eq!(s.latest_open_time(&key).unwrap(), Some(1_704_070_800));
    // Each refusal is recorded with its row's time and the reason, saying what to check.
    let rejected = s.rejections(&key).unwrap();
    for t in probe {
        let r = rejected.iter().find(|r| r.0 == t).expect("recorded");
        assert!(r.1.contains("milliseconds"), "{r:?}");
    }
}

#[test]
fn a_fifo_is_refused_at_once_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("csv");
    std::fs::create_dir(&data).unwrap();
    let fifo = data.join("BTC-USDT.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let files = cst_import::files::csv_files(&data).unwrap();
    let db = dir.path().to_path_buf();
    // In a thread: before the check, opening the FIFO blocked until a writer came (forever).
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut s = store(&db);
        tx.send(import(&mut s, &files, Format::Csv, "binance").unwrap())
            .unwrap();
    });
    let summary = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the import returned instead of waiting on the FIFO");
    match &summary.files[..] {
        [cst_import::run::FileOutcome::Failed { error, .. }] => {
            assert!(
                error.contains("FIFO") && error.contains("not a regular file"),
                "{error}"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn conflicting_duplicates_do_not_count_as_gaps() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("csv");
    std::fs::create_dir(&data).unwrap();
    // Three contiguous real hours of BTC-USDT (binance-2024), the second repeated with
    // another close: one conflicting duplicate, no hole.
    let real =
        std::fs::read_to_string(cst_testkit::data("ohlcv-1h/binance-2024/BTC-USDT.csv")).unwrap();
    let lines: Vec<&str> = real.lines().take(4).collect();
    let mut fields: Vec<&str> = lines[2].split(',').collect();
    let other_close = format!("{}", fields[4].parse::<f64>().unwrap() + 1.0);
    fields[4] = &other_close;
    let text = format!("{}\n{}\n", lines.join("\n"), fields.join(","));
    std::fs::write(data.join("BTC-USDT.csv"), text).unwrap();
    let mut s = store(dir.path());
    let files = cst_import::files::csv_files(&data).unwrap();
    let summary = import(&mut s, &files, Format::Csv, "binance").unwrap();
    assert_eq!(
        summary.rejected_by_kind().get("conflicting_duplicate"),
        Some(&1)
    );
    match &summary.files[..] {
        [cst_import::run::FileOutcome::Imported { gaps, inserted, .. }] => {
            assert_eq!((*gaps, *inserted), (0, 3))
        }
        other => panic!("{other:?}"),
    }
}
