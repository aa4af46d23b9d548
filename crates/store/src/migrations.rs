//! The schema as an append-only list of steps. Step N brings the database to version N; a
//! step once released is never edited, only followed by a new one.

pub const MIGRATIONS: &[&str] = &[
    // 1: candles and the rejections the integrity checks made. A candle is keyed by
    // (exchange, pair, timeframe, open time); the first three are one small integer, so the
    // clustered key stays short and reading the newest N of a series is one range scan.
    "CREATE TABLE series (
        id         INTEGER PRIMARY KEY,
        exchange   TEXT    NOT NULL,
        pair       TEXT    NOT NULL,
        timeframe  INTEGER NOT NULL,
        UNIQUE (exchange, pair, timeframe)
    );
    CREATE TABLE candles (
        series     INTEGER NOT NULL REFERENCES series (id),
        open_time  INTEGER NOT NULL,
        open       REAL    NOT NULL,
        high       REAL    NOT NULL,
        low        REAL    NOT NULL,
        close      REAL    NOT NULL,
        volume     REAL    NOT NULL,
        trades     INTEGER,
        PRIMARY KEY (series, open_time)
    ) WITHOUT ROWID;
    CREATE TABLE rejections (
        id         INTEGER PRIMARY KEY,
        exchange   TEXT    NOT NULL,
        pair       TEXT    NOT NULL,
        timeframe  INTEGER NOT NULL,
        open_time  INTEGER,
        kind       TEXT    NOT NULL,
        reason     TEXT    NOT NULL,
        source     TEXT    NOT NULL
    );
    CREATE INDEX rejections_by_pair ON rejections (exchange, pair, kind);",
    // 2: the pairs an exchange lists (a pair that disappears stays, marked inactive), and one
    // coverage audit per collection run.
    "CREATE TABLE pairs (
        exchange   TEXT    NOT NULL,
        pair       TEXT    NOT NULL,
        altname    TEXT    NOT NULL,
        base       TEXT    NOT NULL,
        quote      TEXT    NOT NULL,
        first_seen INTEGER NOT NULL,
        last_seen  INTEGER NOT NULL,
        active     INTEGER NOT NULL,
        PRIMARY KEY (exchange, pair)
    );
    CREATE TABLE coverage_audits (
        id         INTEGER PRIMARY KEY,
        exchange   TEXT    NOT NULL,
        at         INTEGER NOT NULL,
        live       INTEGER NOT NULL,
        covered    INTEGER NOT NULL,
        missing    TEXT    NOT NULL
    );",
    // 3: public trades (each once, by trade id) with a per-pair paging cursor, committed
    // together so collection resumes exactly where it stopped; and depth snapshots.
    "CREATE TABLE trades (
        exchange   TEXT    NOT NULL,
        pair       TEXT    NOT NULL,
        id         INTEGER NOT NULL,
        time_ns    INTEGER NOT NULL,
        price      REAL    NOT NULL,
        volume     REAL    NOT NULL,
        taker_buy  INTEGER NOT NULL,
        market     INTEGER NOT NULL,
        PRIMARY KEY (exchange, pair, id)
    ) WITHOUT ROWID;
    CREATE INDEX trades_by_time ON trades (exchange, pair, time_ns);
    CREATE TABLE trade_cursors (
        exchange   TEXT    NOT NULL,
        pair       TEXT    NOT NULL,
        last_ns    INTEGER NOT NULL,
        PRIMARY KEY (exchange, pair)
    );
    CREATE TABLE depth_snapshots (
        id         INTEGER PRIMARY KEY,
        exchange   TEXT    NOT NULL,
        pair       TEXT    NOT NULL,
        at         INTEGER NOT NULL,
        bids       TEXT    NOT NULL,
        asks       TEXT    NOT NULL
    );
    CREATE INDEX depth_by_pair ON depth_snapshots (exchange, pair, at);",
    // 4: history deeper than the exchange's candle limit, rebuilt from paged trades: where
    // each pair's backfill resumes (`next_ns`), where it ends (`until_ns`), and up to where
    // its hours have been built into candles (`built_ns`), so a kill between storing trades
    // and building candles loses nothing.
    "CREATE TABLE backfill_cursors (
        exchange   TEXT    NOT NULL,
        pair       TEXT    NOT NULL,
        next_ns    INTEGER NOT NULL,
        until_ns   INTEGER NOT NULL,
        built_ns   INTEGER NOT NULL,
        PRIMARY KEY (exchange, pair)
    );",
    // 5: what the sentiment and whale features read. News items once each (by url) with
    // their lexicon score, optional LLM score and the coins they mention; the intervals in
    // which a news source was being read (an hour without items is only "no news" inside
    // one); and how far each pair's trades are known complete (`checked_ns`: the collector
    // had caught up with the exchange at that time), so a quiet hour is told from an
    // unread one.
    "CREATE TABLE news_items (
        id              INTEGER PRIMARY KEY,
        url             TEXT    NOT NULL UNIQUE,
        published       INTEGER NOT NULL,
        source          TEXT    NOT NULL,
        title           TEXT    NOT NULL,
        score           REAL    NOT NULL,
        llm_direction   TEXT,
        llm_magnitude   REAL,
        llm_half_life_h INTEGER
    );
    CREATE TABLE news_mentions (
        coin       TEXT    NOT NULL,
        published  INTEGER NOT NULL,
        item       INTEGER NOT NULL REFERENCES news_items (id),
        PRIMARY KEY (coin, published, item)
    ) WITHOUT ROWID;
    CREATE TABLE news_coverage (
        id         INTEGER PRIMARY KEY,
        source     TEXT    NOT NULL,
        from_s     INTEGER NOT NULL,
        through_s  INTEGER NOT NULL
    );
    CREATE INDEX news_coverage_by_source ON news_coverage (source, through_s);
    ALTER TABLE trade_cursors ADD COLUMN checked_ns INTEGER;",
    // 6: the model registry. A model is a bundle blob (content-addressed) plus its row:
    // horizon, FeatureSet version, training window, the evaluation report, and its status.
    // At most one model per horizon is active (a partial unique index says so to SQLite
    // itself); `activated_at` orders the history a rollback walks back through.
    "CREATE TABLE models (
        id            TEXT    PRIMARY KEY,
        horizon_h     INTEGER NOT NULL,
        feature_set   TEXT    NOT NULL,
        train_from    INTEGER NOT NULL,
        train_to      INTEGER NOT NULL,
        created_at    INTEGER NOT NULL,
        bundle        TEXT    NOT NULL,
        report        TEXT    NOT NULL,
        status        TEXT    NOT NULL
                      CHECK (status IN ('candidate', 'active', 'retired', 'rejected')),
        reason        TEXT    NOT NULL DEFAULT '',
        activated_at  INTEGER,
        retired_at    INTEGER
    );
    CREATE UNIQUE INDEX models_one_active ON models (horizon_h) WHERE status = 'active';
    CREATE INDEX models_by_horizon ON models (horizon_h, created_at);",
    // 7: what the ml agent predicted, per (pair, decision time, horizon, model): the row
    // the risk agent gates, the dashboard shows and a backtest compares against.
    "CREATE TABLE predictions (
        pair          TEXT    NOT NULL,
        t             INTEGER NOT NULL,
        horizon_h     INTEGER NOT NULL,
        model_id      TEXT    NOT NULL,
        feature_set   TEXT    NOT NULL,
        p_up          REAL    NOT NULL,
        pred          REAL    NOT NULL,
        lo            REAL    NOT NULL,
        hi            REAL    NOT NULL,
        conf          REAL    NOT NULL,
        quality_prob  REAL    NOT NULL,
        PRIMARY KEY (pair, t, horizon_h, model_id)
    ) WITHOUT ROWID;",
    // 8: one model's predictions over a span, for the ml agent's hourly calibration-drift
    // check.
    "CREATE INDEX predictions_by_model ON predictions (model_id, t);",
    // 9: what the running ml agent serves, its drift checks, the health agent's reports
    // and alerts, and predictions by time for the daily report.
    "CREATE TABLE serving (
        horizon_h  INTEGER PRIMARY KEY,
        model_id   TEXT    NOT NULL,
        pid        INTEGER NOT NULL
    );
    CREATE TABLE drift_checks (
        horizon_h     INTEGER NOT NULL,
        model_id      TEXT    NOT NULL,
        at            INTEGER NOT NULL,
        rows          INTEGER NOT NULL,
        median_psi    REAL,
        worst_feature TEXT,
        worst_psi     REAL,
        resolved      INTEGER NOT NULL,
        ece           REAL,
        drifted       INTEGER NOT NULL,
        summary       TEXT    NOT NULL,
        PRIMARY KEY (horizon_h, at, model_id)
    ) WITHOUT ROWID;
    CREATE TABLE health_reports (
        at      INTEGER PRIMARY KEY,
        status  TEXT    NOT NULL CHECK (status IN ('go', 'degraded', 'nogo')),
        score   REAL    NOT NULL,
        ready   INTEGER NOT NULL,
        report  TEXT    NOT NULL
    );
    CREATE TABLE alerts (
        id        INTEGER PRIMARY KEY,
        at        INTEGER NOT NULL,
        severity  TEXT    NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
        kind      TEXT    NOT NULL,
        subject   TEXT    NOT NULL,
        message   TEXT    NOT NULL,
        delivered TEXT    NOT NULL
    );
    CREATE INDEX alerts_by_time ON alerts (at);
    CREATE INDEX predictions_by_time ON predictions (t);",
    // 10: trading. Rows keep their full record as JSON (the trading crate owns the types)
    // beside the columns queries select on.
    "CREATE TABLE gate_runs (
        t            INTEGER PRIMARY KEY,
        at           INTEGER NOT NULL,
        predictions  INTEGER NOT NULL,
        candidates   INTEGER NOT NULL,
        empty_reason TEXT
    );
    CREATE TABLE candidates (
        t         INTEGER NOT NULL,
        pair      TEXT    NOT NULL,
        horizon_h INTEGER NOT NULL,
        passed    INTEGER NOT NULL,
        rank      INTEGER NOT NULL,
        record    TEXT    NOT NULL,
        PRIMARY KEY (t, pair, horizon_h)
    ) WITHOUT ROWID;
    CREATE TABLE orders (
        client_id TEXT    PRIMARY KEY,
        t         INTEGER NOT NULL,
        pair      TEXT    NOT NULL,
        status    TEXT    NOT NULL,
        record    TEXT    NOT NULL
    );
    CREATE INDEX orders_by_time ON orders (t);
    CREATE TABLE closed_trades (
        client_id TEXT    PRIMARY KEY,
        exit_t    INTEGER NOT NULL,
        pair      TEXT    NOT NULL,
        pnl       REAL    NOT NULL,
        record    TEXT    NOT NULL
    );
    CREATE INDEX closed_trades_by_time ON closed_trades (exit_t);
    CREATE TABLE equity (
        t        INTEGER PRIMARY KEY,
        equity   REAL    NOT NULL,
        drawdown REAL    NOT NULL,
        halted   INTEGER NOT NULL,
        record   TEXT    NOT NULL
    );
    CREATE TABLE portfolio_state (
        id    INTEGER PRIMARY KEY CHECK (id = 1),
        t     INTEGER NOT NULL,
        state TEXT    NOT NULL
    );
    CREATE TABLE risk_resumes (
        id   INTEGER PRIMARY KEY,
        at   INTEGER NOT NULL,
        note TEXT    NOT NULL
    );",
    // 11: the taker fee of each listed pair (AssetPairs' first tier), for paper fills.
    "ALTER TABLE pairs ADD COLUMN taker_fee_pct REAL;",
    // 12: each pair-hour's feature row, built once by the technical agent and read by the ml
    // and whale agents, the dashboard and `cst features`. The features crate owns the
    // encoding (`row`); `has_row` says whether it is a row or the reasons there is none.
    "CREATE TABLE feature_rows (
        exchange    TEXT    NOT NULL,
        feature_set TEXT    NOT NULL,
        pair        TEXT    NOT NULL,
        t           INTEGER NOT NULL,
        has_row     INTEGER NOT NULL,
        built_at    INTEGER NOT NULL,
        row         BLOB    NOT NULL,
        PRIMARY KEY (exchange, feature_set, pair, t)
    ) WITHOUT ROWID;
    CREATE INDEX feature_rows_by_time ON feature_rows (exchange, feature_set, t);",
    // 13: each prediction's ranking score and its probability of beating the hour's median
    // (NULL for predictions made before models had a ranking model).
    "ALTER TABLE predictions ADD COLUMN score REAL;
    ALTER TABLE predictions ADD COLUMN p_beat REAL;",
];

/// The version a fully migrated database has.
pub const LATEST: i64 = MIGRATIONS.len() as i64;
