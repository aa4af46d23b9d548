//! The sentiment agent: every poll interval (or `cst run-now sentiment`) reads news — RSS/
//! Atom feeds, or a recorded news CSV replayed along the service clock — maps each item to
//! coins, scores it with the lexicon (and the LLM when a key is configured), stores it once,
//! records the span the source was read over. It announces nothing on the bus: the row
//! builder reads the stored hourly scores when the ml agent serves an hour.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use cst_agent::{Agent, AgentEnv, Publisher, StartError};
use cst_config::{ClockSource, Config, LlmSettings, NewsSource, SentimentConfig};
use cst_exchange::{BreakerPolicy, KrakenClient, KrakenConfig};
use cst_protocol::bus::Counter;
use cst_sentiment::{
    ApiKey, FeedClient, FeedConfig, Lexicon, LlmClient, LlmConfig, NewsItem, NewsReplay,
};
use cst_store::{Store, StoredLlm, StoredNews};
use tokio::sync::Notify;

use cst_features::coin_mapper;

#[derive(Debug, Default)]
struct Stats {
    cycles: AtomicU64,
    items_stored: AtomicU64,
    items_rejected: AtomicU64,
    items_without_coin: AtomicU64,
    feed_errors: AtomicU64,
    llm_scored: AtomicU64,
    llm_failed: AtomicU64,
    clock_errors: AtomicU64,
    held_no_pairs: AtomicU64,
}

#[derive(Debug, Default)]
pub struct SentimentAgent {
    stats: Arc<Stats>,
    wake: Arc<Notify>,
}

enum Reader {
    Feeds(FeedClient, Vec<String>),
    Replay(NewsReplay, String),
}

/// The service clock at cycle granularity: the machine's, or the exchange's server time
/// (which is how a replay drives the whole service).
enum Time {
    Live,
    Exchange(Box<KrakenClient>),
}

impl Time {
    async fn now(&self) -> Result<i64, cst_exchange::TimeUnreadable> {
        match self {
            #[allow(clippy::disallowed_methods)]
            Time::Live => Ok(cst_clock::Clock::now(&cst_clock::LiveClock)),
            // The one reading of the exchange's time (the collector and health agent too).
            Time::Exchange(client) => cst_exchange::unix_time(client.as_ref()).await,
        }
    }
}

struct Worker {
    cfg: SentimentConfig,
    exchange: String,
    store: Store,
    reader: Reader,
    time: Time,
    lexicon: Lexicon,
    llm: Option<LlmClient>,
    stats: Arc<Stats>,
}

fn llm_config(s: &LlmSettings) -> LlmConfig {
    let mut c = LlmConfig::new(s.base_url.clone(), s.model.clone());
    c.api_key = ApiKey::new(s.api_key.clone());
    c.timeout = s.timeout;
    c.max_retries = s.max_retries as usize;
    c.breaker = BreakerPolicy {
        failure_threshold: s.breaker_failures,
        cooldown: s.breaker_cooldown,
    };
    c.daily_cost_cap_usd = s.daily_cost_cap_usd;
    c.usd_per_1k_prompt_tokens = s.usd_per_1k_prompt_tokens;
    c.usd_per_1k_completion_tokens = s.usd_per_1k_completion_tokens;
    c
}

impl Agent for SentimentAgent {
    async fn start(
        &mut self,
        env: &AgentEnv,
        config: &Config,
        _bus: &Publisher,
    ) -> Result<(), StartError> {
        let cfg = config.sentiment.clone();
        let store = Store::open(&env.home.db_path())?;
        let reader = match &cfg.source {
            NewsSource::Feeds(urls) => Reader::Feeds(
                FeedClient::new(FeedConfig {
                    timeout: cfg.request_timeout,
                    ..FeedConfig::default()
                })?,
                urls.clone(),
            ),
            NewsSource::Replay(path) => {
                let replay = NewsReplay::load(path).map_err(|e| {
                    StartError::config(format!("sentiment.replay_csv {}: {e}", path.display()))
                })?;
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                Reader::Replay(replay, format!("replay:{name}"))
            }
        };
        let time = match config.collector.clock {
            ClockSource::Live => Time::Live,
            ClockSource::Exchange => Time::Exchange(Box::new(KrakenClient::new(
                KrakenConfig::new(config.collector.base_url.clone()),
            )?)),
        };
        let llm = match &cfg.llm {
            Some(s) => LlmClient::new(llm_config(s))?,
            None => None,
        };
        let worker = Worker {
            cfg,
            exchange: config.collector.exchange.clone(),
            store,
            reader,
            time,
            lexicon: Lexicon::default(),
            llm,
            stats: self.stats.clone(),
        };
        tokio::spawn(worker.run(self.wake.clone()));
        Ok(())
    }

    async fn run_now(&mut self, _bus: &Publisher) -> String {
        self.wake.notify_one();
        "news cycle started".to_string()
    }

    fn counters(&self) -> Vec<Counter> {
        let s = &self.stats;
        let load = |v: &AtomicU64| v.load(Ordering::Relaxed);
        cst_agent::counters(&[
            ("cycles", load(&s.cycles)),
            ("items_stored", load(&s.items_stored)),
            ("items_rejected", load(&s.items_rejected)),
            ("items_without_coin", load(&s.items_without_coin)),
            ("feed_errors", load(&s.feed_errors)),
            ("llm_scored", load(&s.llm_scored)),
            ("llm_failed", load(&s.llm_failed)),
            ("clock_errors", load(&s.clock_errors)),
            ("held_no_pairs", load(&s.held_no_pairs)),
        ])
    }
}

impl Worker {
    async fn run(mut self, wake: Arc<Notify>) {
        loop {
            match self.time.now().await {
                Ok(now) => match self.cycle(now).await {
                    Ok(Some(source)) => tracing::debug!(source, now, "news stored"),
                    Ok(None) => {}
                    Err(e) => tracing::error!(error = %e, "news cycle failed"),
                },
                Err(e) => {
                    self.stats.clock_errors.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(error = %e, "no service time: news cycle skipped");
                }
            }
            self.stats.cycles.fetch_add(1, Ordering::Relaxed);
            tokio::select! {
                _ = tokio::time::sleep(self.cfg.poll_interval) => {}
                _ = wake.notified() => {}
            }
        }
    }

    /// Reads what the source has up to `now`, stores it, and extends the source's coverage.
    /// Returns the source's name when new items were stored (to announce them).
    ///
    /// Items are stored once, with the coins they mention. Until the collector has stored
    /// the exchange's pairs no coin is known, so nothing is read: items stored then would
    /// carry no coin forever and never reach a feature row. The replay keeps its place and
    /// the coverage is not extended; the next cycle tries again.
    async fn cycle(&mut self, now: i64) -> Result<Option<String>, cst_store::StoreError> {
        let mapper = coin_mapper(&self.store, &self.exchange).map_err(|e| match e {
            cst_features::FeatureError::Store(e) => e,
            other => cst_store::StoreError::Corrupt(other.to_string()),
        })?;
        if mapper.is_empty() {
            self.stats.held_no_pairs.fetch_add(1, Ordering::Relaxed);
            tracing::info!(
                exchange = self.exchange,
                "news held: no pair of the exchange is stored yet, so no item could name its coins"
            );
            return Ok(None);
        }
        let poll = self.cfg.poll_interval.as_secs() as i64;
        let (items, source, covered) = match &mut self.reader {
            Reader::Feeds(client, urls) => {
                let mut items = Vec::new();
                let mut read = 0;
                for report in client.fetch_all(urls).await {
                    match report.outcome {
                        Ok(entries) => {
                            read += 1;
                            for entry in entries {
                                match entry {
                                    Ok(item) => items.push(item),
                                    Err(_) => {
                                        self.stats.items_rejected.fetch_add(1, Ordering::Relaxed);
                                    }
                                }
                            }
                        }
                        Err(e) => {
                            self.stats.feed_errors.fetch_add(1, Ordering::Relaxed);
                            tracing::warn!(url = report.url, error = %e, "feed not read");
                        }
                    }
                }
                // Only a poll that read every feed extends coverage: an hour read from half
                // the sources is not "all the news".
                let covered = (read == urls.len()).then_some((now, now));
                (items, "feeds".to_string(), covered)
            }
            Reader::Replay(replay, name) => {
                let first = replay.items().first().map(|i| i.published);
                let last = replay.items().last().map(|i| i.published);
                let items = replay.take_until(now).to_vec();
                // The recording is complete over its own span, and no further.
                let covered = first
                    .zip(last)
                    .and_then(|(first, last)| (now >= first).then_some((first, now.min(last))));
                (items, name.clone(), covered)
            }
        };
        let mut stored = Vec::with_capacity(items.len());
        for item in &items {
            let coins = mapper.mentions(&item.title, &item.summary);
            if coins.is_empty() {
                self.stats
                    .items_without_coin
                    .fetch_add(1, Ordering::Relaxed);
            }
            let llm = match &self.llm {
                Some(client) if !coins.is_empty() && !self.store.has_news(&item.url)? => {
                    llm_score(client, &self.stats, item, &coins, now).await
                }
                _ => None,
            };
            stored.push(StoredNews {
                url: item.url.clone(),
                published: item.published,
                source: item.source.clone(),
                title: item.title.clone(),
                coins: coins.iter().map(|c| c.as_str().to_string()).collect(),
                score: self.lexicon.score_item(&item.title, &item.summary),
                llm,
            });
        }
        let inserted = self.store.insert_news(&stored)?;
        self.stats
            .items_stored
            .fetch_add(inserted, Ordering::Relaxed);
        if let Some((from, through)) = covered {
            self.store
                .extend_news_coverage(&source, from, through, 2 * poll)?;
        }
        Ok((inserted > 0).then_some(source))
    }
}

/// The LLM's reading of a new item about some coin. A failure leaves the item with its
/// lexicon score only (counted), never a made-up LLM score.
async fn llm_score(
    client: &LlmClient,
    stats: &Stats,
    item: &NewsItem,
    coins: &[cst_sentiment::CoinId],
    now: i64,
) -> Option<StoredLlm> {
    match client.score(item, coins, now).await {
        Ok(s) => {
            stats.llm_scored.fetch_add(1, Ordering::Relaxed);
            Some(StoredLlm {
                direction: s.direction.as_str().to_string(),
                magnitude: s.magnitude,
                half_life_h: s.half_life_h,
            })
        }
        Err(e) => {
            stats.llm_failed.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(url = item.url, error = %e, "LLM scoring failed");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use cst_store::PairRecord;

    use super::*;

    /// 2022-02-01 00:00 UTC: months of the recorded news are due at once.
    const NOW: i64 = 1_643_673_600;

    fn worker(dir: &std::path::Path) -> Worker {
        let path = cst_testkit::data("news/cryptonews-2021-10_2022-07.csv");
        Worker {
            cfg: SentimentConfig {
                source: NewsSource::Replay(path.clone()),
                poll_interval: std::time::Duration::from_secs(1),
                request_timeout: std::time::Duration::from_secs(5),
                half_life_h: 6.0,
                llm: None,
            },
            exchange: "replay".into(),
            store: Store::open(&dir.join("cst.db")).unwrap(),
            reader: Reader::Replay(NewsReplay::load(&path).unwrap(), "replay:news".into()),
            time: Time::Live,
            lexicon: Lexicon::default(),
            llm: None,
            stats: Arc::default(),
        }
    }

    /// The race behind a flaky end-to-end test: a first cycle before the collector stored
    /// the pairs stored the whole backlog without coins, for good. Now it holds the news.
    #[tokio::test]
    async fn news_waits_for_the_pair_list_and_then_names_its_coins() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = worker(dir.path());
        let Reader::Replay(replay, _) = &w.reader else {
            unreachable!()
        };
        let total = replay.remaining();
        assert_eq!(w.cycle(NOW).await.unwrap(), None);
        assert_eq!(
            w.store.news_count().unwrap(),
            0,
            "nothing stored without coins"
        );
        assert_eq!(w.stats.held_no_pairs.load(Ordering::Relaxed), 1);
        let Reader::Replay(replay, _) = &w.reader else {
            unreachable!()
        };
        assert_eq!(replay.remaining(), total, "the replay keeps its place");
        assert!(
            w.store.news_coverage().unwrap().is_empty(),
            "no coverage claimed"
        );

        let btc = PairRecord {
            pair: "BTC/USDT".into(),
            altname: "BTCUSDT".into(),
            base: "BTC".into(),
            quote: "USDT".into(),
            taker_fee_pct: None,
        };
        w.store.update_listing("replay", &[btc], NOW).unwrap();
        assert_eq!(w.cycle(NOW).await.unwrap().as_deref(), Some("replay:news"));
        let day = w.store.news_for_coin("BTC", NOW - 86_400, NOW).unwrap();
        assert!(
            day.len() > 10,
            "BTC's news of the last day of January reaches the rows: {}",
            day.len()
        );
        assert_eq!(w.stats.held_no_pairs.load(Ordering::Relaxed), 1);
    }
}
