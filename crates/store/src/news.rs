//! News items as the sentiment agent scored them, the coins each mentions, and the
//! intervals in which each news source was being read. Features read items strictly before
//! their time and only inside a covered interval, so "no news" is never confused with "not
//! reading".

use rusqlite::{OptionalExtension, params};

use crate::{Store, StoreError};

/// An LLM's reading of an item (validated by the sentiment crate before it gets here).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredLlm {
    pub direction: String,
    pub magnitude: f64,
    pub half_life_h: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredNews {
    pub url: String,
    /// Unix seconds: the item counts from here, never earlier.
    pub published: i64,
    pub source: String,
    pub title: String,
    /// Canonical coin ids.
    pub coins: Vec<String>,
    pub score: f64,
    pub llm: Option<StoredLlm>,
}

/// One interval in which a source was read without a break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewsCoverage {
    pub from_s: i64,
    pub through_s: i64,
}

impl Store {
    /// Stores new items (an item already stored under its url is left as it was) and
    /// returns how many were new.
    pub fn insert_news(&mut self, items: &[StoredNews]) -> Result<u64, StoreError> {
        let tx = self.conn.transaction()?;
        let mut inserted = 0;
        {
            let mut item = tx.prepare_cached(
                "INSERT INTO news_items (url, published, source, title, score, llm_direction,
                 llm_magnitude, llm_half_life_h) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (url) DO NOTHING",
            )?;
            let mut mention = tx.prepare_cached(
                "INSERT OR IGNORE INTO news_mentions (coin, published, item) VALUES (?1, ?2, ?3)",
            )?;
            for n in items {
                let llm = n.llm.as_ref();
                let added = item.execute(params![
                    n.url,
                    n.published,
                    n.source,
                    n.title,
                    n.score,
                    llm.map(|l| l.direction.as_str()),
                    llm.map(|l| l.magnitude),
                    llm.map(|l| l.half_life_h),
                ])?;
                if added == 0 {
                    continue;
                }
                inserted += 1;
                let id = tx.last_insert_rowid();
                for coin in &n.coins {
                    mention.execute(params![coin, n.published, id])?;
                }
            }
        }
        tx.commit()?;
        Ok(inserted)
    }

    /// Items mentioning `coin` published in `[from, to)`, oldest first.
    pub fn news_for_coin(
        &self,
        coin: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<StoredNews>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.url, i.published, i.source, i.title, i.score, i.llm_direction,
                    i.llm_magnitude, i.llm_half_life_h
             FROM news_mentions m JOIN news_items i ON i.id = m.item
             WHERE m.coin = ?1 AND m.published >= ?2 AND m.published < ?3
             ORDER BY m.published, i.id",
        )?;
        let rows = stmt.query_map(params![coin, from, to], |r| {
            let direction: Option<String> = r.get(5)?;
            Ok(StoredNews {
                url: r.get(0)?,
                published: r.get(1)?,
                source: r.get(2)?,
                title: r.get(3)?,
                coins: vec![coin.to_string()],
                score: r.get(4)?,
                llm: match direction {
                    Some(direction) => Some(StoredLlm {
                        direction,
                        magnitude: r.get(6)?,
                        half_life_h: r.get(7)?,
                    }),
                    None => None,
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn has_news(&self, url: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM news_items WHERE url = ?1",
                params![url],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    pub fn news_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM news_items", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// Records that `source` was read over `[from_s, through_s]`. The source's latest
    /// interval is extended when this one starts no later than `max_gap_s` after it ended;
    /// otherwise a new interval begins (the time in between stays uncovered).
    pub fn extend_news_coverage(
        &mut self,
        source: &str,
        from_s: i64,
        through_s: i64,
        max_gap_s: i64,
    ) -> Result<(), StoreError> {
        let latest: Option<(i64, i64, i64)> = self
            .conn
            .query_row(
                "SELECT id, from_s, through_s FROM news_coverage WHERE source = ?1
                 ORDER BY through_s DESC LIMIT 1",
                params![source],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match latest {
            Some((id, _, through)) if from_s <= through + max_gap_s => {
                self.conn.execute(
                    "UPDATE news_coverage SET through_s = max(through_s, ?2) WHERE id = ?1",
                    params![id, through_s],
                )?;
            }
            _ => {
                self.conn.execute(
                    "INSERT INTO news_coverage (source, from_s, through_s) VALUES (?1, ?2, ?3)",
                    params![source, from_s, through_s],
                )?;
            }
        }
        Ok(())
    }

    /// The interval of any source that was read over the whole of `[from, to]`, if one was.
    pub fn news_covering(&self, from: i64, to: i64) -> Result<Option<NewsCoverage>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT from_s, through_s FROM news_coverage WHERE from_s <= ?1 AND through_s >= ?2
                 ORDER BY from_s LIMIT 1",
                params![from, to],
                |r| {
                    Ok(NewsCoverage {
                        from_s: r.get(0)?,
                        through_s: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// Every interval, by source, oldest first (for status and reports).
    pub fn news_coverage(&self) -> Result<Vec<(String, NewsCoverage)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT source, from_s, through_s FROM news_coverage ORDER BY source, from_s",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                NewsCoverage {
                    from_s: r.get(1)?,
                    through_s: r.get(2)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real item of ../shared/data/news (CoinTelegraph, 2021-10-01).
    fn item(url: &str, published: i64, coins: &[&str]) -> StoredNews {
        StoredNews {
            url: url.to_string(),
            published,
            source: "cointelegraph".to_string(),
            title: "Bitcoin price hits $48K as analyst says BTC 'unlikely' to return to $40K"
                .to_string(),
            coins: coins.iter().map(|c| c.to_string()).collect(),
            score: 0.4,
            llm: None,
        }
    }

    #[test]
    fn items_are_stored_once_and_read_back_per_coin_strictly_before_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("cst.db")).unwrap();
        let a = item("https://x/a", 1_633_046_400, &["XBT"]);
        let b = item("https://x/b", 1_633_050_000, &["XBT", "ETH"]);
        assert_eq!(s.insert_news(&[a.clone(), b.clone()]).unwrap(), 2);
        assert_eq!(
            s.insert_news(std::slice::from_ref(&b)).unwrap(),
            0,
            "same url twice"
        );
        let xbt = s.news_for_coin("XBT", 0, 1_633_050_000).unwrap();
        assert_eq!(xbt, vec![a], "an item at the window's end is not inside it");
        let eth = s.news_for_coin("ETH", 0, i64::MAX).unwrap();
        assert_eq!(eth.len(), 1);
        assert_eq!(eth[0].url, b.url);
        assert_eq!(s.news_count().unwrap(), 2);
    }

    #[test]
    fn coverage_extends_across_small_gaps_and_a_long_break_leaves_a_hole() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("cst.db")).unwrap();
        s.extend_news_coverage("feeds", 1000, 1300, 600).unwrap();
        s.extend_news_coverage("feeds", 1600, 1900, 600).unwrap();
        assert_eq!(
            s.news_covering(1000, 1900).unwrap(),
            Some(NewsCoverage {
                from_s: 1000,
                through_s: 1900
            })
        );
        s.extend_news_coverage("feeds", 5000, 5300, 600).unwrap();
        assert_eq!(
            s.news_covering(1000, 5300).unwrap(),
            None,
            "the break is a hole"
        );
        assert!(s.news_covering(5000, 5300).unwrap().is_some());
        assert_eq!(s.news_coverage().unwrap().len(), 2);
    }
}
