//! The pairs an exchange lists, as discovered on every collection run. A pair that vanishes
//! from the listing is kept and marked inactive, so its history stays and nothing downstream
//! treats it as live.

use rusqlite::params;

use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct PairRecord {
    /// Canonical `BASE/QUOTE`.
    pub pair: String,
    /// The exchange's own name for requests (`XBTUSD`).
    pub altname: String,
    pub base: String,
    pub quote: String,
    /// The exchange's taker fee for an account without volume, in percent.
    pub taker_fee_pct: Option<f64>,
}

/// What changed in a listing compared with the stored one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListingChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// One coverage audit: the live pairs against those with fresh, complete data.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageAudit {
    pub exchange: String,
    pub at: i64,
    pub live: u64,
    pub covered: u64,
    /// Pairs without fresh, complete data, each with the reason.
    pub missing: Vec<String>,
}

impl CoverageAudit {
    pub fn fraction(&self) -> f64 {
        if self.live == 0 {
            0.0
        } else {
            self.covered as f64 / self.live as f64
        }
    }
}

impl Store {
    /// Replaces the listing of `exchange` with `pairs` seen at `now`.
    pub fn update_listing(
        &mut self,
        exchange: &str,
        pairs: &[PairRecord],
        now: i64,
    ) -> Result<ListingChanges, StoreError> {
        let tx = self.conn.transaction()?;
        let before: Vec<String> = {
            let mut stmt =
                tx.prepare("SELECT pair FROM pairs WHERE exchange = ?1 AND active = 1")?;
            stmt.query_map([exchange], |r| r.get(0))?
                .collect::<Result<_, _>>()?
        };
        let mut changes = ListingChanges::default();
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO pairs (exchange, pair, altname, base, quote, first_seen, last_seen, active,
                                    taker_fee_pct)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, 1, ?7)
                 ON CONFLICT (exchange, pair)
                 DO UPDATE SET altname = ?3, last_seen = ?6, active = 1, taker_fee_pct = ?7",
            )?;
            for p in pairs {
                upsert.execute(params![
                    exchange,
                    p.pair,
                    p.altname,
                    p.base,
                    p.quote,
                    now,
                    p.taker_fee_pct
                ])?;
                if !before.contains(&p.pair) {
                    changes.added.push(p.pair.clone());
                }
            }
            let mut retire =
                tx.prepare_cached("UPDATE pairs SET active = 0 WHERE exchange = ?1 AND pair = ?2")?;
            for gone in before
                .iter()
                .filter(|b| !pairs.iter().any(|p| &p.pair == *b))
            {
                retire.execute(params![exchange, gone])?;
                changes.removed.push(gone.clone());
            }
        }
        tx.commit()?;
        Ok(changes)
    }

    pub fn active_pairs(&self, exchange: &str) -> Result<Vec<PairRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT pair, altname, base, quote, taker_fee_pct FROM pairs
             WHERE exchange = ?1 AND active = 1 ORDER BY pair",
        )?;
        let rows = stmt.query_map([exchange], |r| {
            Ok(PairRecord {
                pair: r.get(0)?,
                altname: r.get(1)?,
                base: r.get(2)?,
                quote: r.get(3)?,
                taker_fee_pct: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn record_coverage(&mut self, audit: &CoverageAudit) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO coverage_audits (exchange, at, live, covered, missing) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![audit.exchange, audit.at, audit.live as i64, audit.covered as i64, audit.missing.join("\n")],
        )?;
        Ok(())
    }

    pub fn latest_coverage(&self, exchange: &str) -> Result<Option<CoverageAudit>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT at, live, covered, missing FROM coverage_audits WHERE exchange = ?1 ORDER BY id DESC LIMIT 1",
                [exchange],
                |r| {
                    let missing: String = r.get(3)?;
                    Ok(CoverageAudit {
                        exchange: exchange.to_string(),
                        at: r.get(0)?,
                        live: r.get::<_, i64>(1)? as u64,
                        covered: r.get::<_, i64>(2)? as u64,
                        missing: missing.lines().map(str::to_string).collect(),
                    })
                },
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(p: &str, alt: &str) -> PairRecord {
        let (base, quote) = p.split_once('/').unwrap();
        PairRecord {
            pair: p.into(),
            altname: alt.into(),
            base: base.into(),
            quote: quote.into(),
            taker_fee_pct: Some(0.4),
        }
    }

    #[test]
    fn a_pair_that_disappears_is_kept_but_inactive_and_can_return() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("cst.db")).unwrap();
        let c = s
            .update_listing(
                "kraken",
                &[pair("XBT/USD", "XBTUSD"), pair("ETH/USD", "ETHUSD")],
                100,
            )
            .unwrap();
        assert_eq!(c.added, ["XBT/USD", "ETH/USD"]);
        let c = s
            .update_listing("kraken", &[pair("XBT/USD", "XBTUSD")], 200)
            .unwrap();
        assert_eq!(
            (c.added.len(), c.removed.clone()),
            (0, vec!["ETH/USD".to_string()])
        );
        assert_eq!(
            s.active_pairs("kraken").unwrap(),
            vec![pair("XBT/USD", "XBTUSD")]
        );
        let c = s
            .update_listing(
                "kraken",
                &[pair("XBT/USD", "XBTUSD"), pair("ETH/USD", "ETHUSD")],
                300,
            )
            .unwrap();
        assert_eq!(c.added, ["ETH/USD"]);
    }

    #[test]
    fn the_latest_coverage_audit_is_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("cst.db")).unwrap();
        assert_eq!(s.latest_coverage("kraken").unwrap(), None);
        let audit = CoverageAudit {
            exchange: "kraken".into(),
            at: 7200,
            live: 4,
            covered: 3,
            missing: vec!["ETH/USD: no candle since 3600".into()],
        };
        s.record_coverage(&audit).unwrap();
        let back = s.latest_coverage("kraken").unwrap().unwrap();
        assert_eq!(back, audit);
        assert_eq!(back.fraction(), 0.75);
    }
}
