//! The whole 2024 recording loads; how long it takes is printed, not asserted.

use cst_replay::Replay;

use crate::helper::{Y2024, shared_data};

#[test]
fn the_whole_2024_recording_loads() {
    let begun = std::time::Instant::now();
    let replay = Replay::load(&shared_data(Y2024), 1_709_251_200, 3600.0).expect("loads");
    let took = begun.elapsed();
    let report = replay.report();
    eprintln!(
        "loaded {} files, {} candles in {took:?} ({} pairs listed by 2024-03-01)",
        report.files,
        report.candles,
        replay
            .pairs()
            .filter(|(_, first)| *first <= 1_709_251_200)
            .count()
    );
    assert_eq!((report.files, replay.pairs().count()), (136, 136));
    assert!(report.candles > 750_000, "{report:?}");
    assert!(
        report.rejected.is_empty() && report.malformed == 0,
        "{report:?}"
    );
    assert!(
        report.empty.is_empty() && report.duplicates == 0,
        "{report:?}"
    );
}
