//! Training runs the ml agent starts (daily, or on drift) on a worker thread, as
//! `cst train` does them, while inference goes on; the registry decides what is served.

use cst_config::{Home, MlConfig};
use cst_features::BuildContext;
use cst_store::{BlobStore, Store};

use crate::run::{train_horizon, write_report};

/// One horizon's outcome: what the registry decided, or why it could not train.
pub(crate) type Outcome = (u32, Result<String, String>);

/// What a training run reads and where it writes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Setting<'a> {
    pub(crate) home: &'a Home,
    pub(crate) blobs: &'a BlobStore,
    pub(crate) ctx: &'a BuildContext,
    pub(crate) ml: &'a MlConfig,
}

/// At most one training run at a time, and what the finished ones gave.
#[derive(Debug, Default)]
pub(crate) struct Trainer {
    running: Option<std::thread::JoinHandle<Vec<Outcome>>>,
    pub(crate) started: u64,
    pub(crate) horizons_trained: u64,
    pub(crate) horizons_failed: u64,
    pub(crate) panicked: u64,
}

impl Trainer {
    pub(crate) fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Logs and counts a finished run's outcomes.
    pub(crate) fn collect(&mut self) {
        if !self.running.as_ref().is_some_and(|h| h.is_finished()) {
            return;
        }
        let Some(handle) = self.running.take() else {
            return;
        };
        let joined = handle.join();
        release_freed_memory();
        match joined {
            Ok(outcomes) => {
                for (h, outcome) in outcomes {
                    match outcome {
                        Ok(msg) => {
                            self.horizons_trained += 1;
                            tracing::info!(horizon_h = h, "{msg}");
                        }
                        Err(e) => {
                            self.horizons_failed += 1;
                            tracing::warn!(horizon_h = h, error = e, "scheduled training failed");
                        }
                    }
                }
            }
            Err(_) => {
                self.panicked += 1;
                tracing::error!("the training thread panicked");
            }
        }
    }

    /// Starts training `horizons` with the data's clock at `now`, unless a run is going.
    /// Returns whether it started.
    pub(crate) fn start(
        &mut self,
        setting: Setting<'_>,
        horizons: Vec<u32>,
        now: i64,
        why: &str,
    ) -> bool {
        if self.running.is_some() {
            return false;
        }
        let (db, blobs, reports) = (
            setting.home.db_path(),
            setting.blobs.clone(),
            setting.home.reports_dir().join("models"),
        );
        let (ctx, ml) = (setting.ctx.clone(), setting.ml.clone());
        self.started += 1;
        tracing::info!(now, ?horizons, why, "retraining started");
        self.running = Some(std::thread::spawn(move || {
            let mut store = match Store::open(&db) {
                Ok(store) => store,
                Err(e) => return horizons.iter().map(|&h| (h, Err(e.to_string()))).collect(),
            };
            horizons
                .iter()
                .map(|&h| {
                    let outcome = train_horizon(&mut store, &blobs, &ctx, &ml, h, now)
                        .and_then(|(report, reg)| {
                            write_report(&reports, &report, &reg)?;
                            Ok(format!(
                                "model {}: {} ({})",
                                reg.id,
                                reg.status.as_str(),
                                reg.reason
                            ))
                        })
                        .map_err(|e| e.to_string());
                    (h, outcome)
                })
                .collect()
        }));
        true
    }
}

/// Hands the heap's free pages back to the system after a training run. A run builds
/// datasets of every pair (over 100 MB at 136 pairs) and frees them, but glibc's allocator
/// keeps freed memory for reuse, so without this the agent would hold the run's peak until
/// the next one.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: malloc_trim takes no pointers and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
