#!/usr/bin/env node
// Browser test of the dashboard against a running CryptoSmartTrader API.
//
//   node tests/browser.mjs --base http://127.0.0.1:PORT --expect-ready true|false \
//        [--pair BTC/USDT] [--screenshots DIR] [--chromium /usr/bin/chromium]
//
// Visits every page in headless Chromium and fails (exit 1) on any console error, uncaught
// page error, failed request to the base URL, inline API error, "undefined"/"NaN" in the
// page, a readiness badge other than the expected READY / NOT READY, an opportunities page
// with neither rows nor an explained empty state, or a blank candle chart. Prints one line
// of JSON saying what it checked.

import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';

const WAIT_MS = 20_000;

function parseArgs(argv) {
  const out = { base: null, expectReady: null, pair: null, screenshots: null, chromium: '/usr/bin/chromium' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined) usage(`${a} needs a value`);
      return x;
    };
    if (a === '--base') out.base = v().replace(/\/+$/, '');
    else if (a === '--expect-ready') {
      const x = v();
      if (x !== 'true' && x !== 'false') usage('--expect-ready takes true or false');
      out.expectReady = x === 'true';
    } else if (a === '--pair') out.pair = v();
    else if (a === '--screenshots') out.screenshots = v();
    else if (a === '--chromium') out.chromium = v();
    else if (a === '--help' || a === '-h') usage(null);
    else usage(`unknown argument ${a}`);
  }
  if (!out.base) usage('--base is required');
  if (out.expectReady === null) usage('--expect-ready is required');
  return out;
}

function usage(msg) {
  if (msg) process.stderr.write(`browser test: ${msg}\n`);
  process.stderr.write('usage: node tests/browser.mjs --base http://127.0.0.1:PORT --expect-ready true|false [--pair BTC/USDT] [--screenshots DIR]\n');
  process.exit(2);
}

const args = parseArgs(process.argv.slice(2));
const failures = [];
const summary = { ok: false, base: args.base, expect_ready: args.expectReady, pages: {}, api_errors_allowed: [] };
const fail = (msg) => failures.push(msg);

// A 503 from health/readiness means "no health report yet": an expected state the
// dashboard renders. Every other API error status is a failure.
const ALLOWED = [
  { path: '/api/health', status: 503 },
  { path: '/api/readiness', status: 503 },
];
const allowedUrls = new Set();

function sameOrigin(url) {
  return url === args.base || url.startsWith(args.base + '/');
}

const PAGES = [
  { name: 'overview', hash: '#/' },
  { name: 'opportunities', hash: '#/opportunities' },
  { name: 'coin', hash: args.pair ? '#/coin/' + encodeURIComponent(args.pair) : '#/coin' },
  { name: 'models', hash: '#/models' },
  { name: 'portfolio', hash: '#/portfolio' },
  { name: 'data', hash: '#/data' },
];

if (args.screenshots) fs.mkdirSync(args.screenshots, { recursive: true });

let browser;
try {
  browser = await chromium.launch({
    executablePath: args.chromium,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
} catch (e) {
  await finish(`could not launch Chromium at ${args.chromium}: ${e.message.split('\n')[0]} (apt-get install chromium)`);
}

const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
const page = await context.newPage();
page.setDefaultTimeout(WAIT_MS);

page.on('response', (res) => {
  const url = res.url();
  if (!sameOrigin(url) || res.status() < 400) return;
  const p = new URL(url).pathname;
  if (ALLOWED.some((a) => a.path === p && a.status === res.status())) {
    allowedUrls.add(url);
    if (!summary.api_errors_allowed.includes(`${p} ${res.status()}`)) summary.api_errors_allowed.push(`${p} ${res.status()}`);
    return;
  }
  fail(`HTTP ${res.status()} for ${res.request().method()} ${p}${new URL(url).search}`);
});
page.on('requestfailed', (req) => {
  if (sameOrigin(req.url())) fail(`request failed: ${req.method()} ${req.url()} (${req.failure()?.errorText ?? 'unknown'})`);
});
page.on('pageerror', (err) => fail(`uncaught exception in the page: ${err.message}`));
page.on('console', (msg) => {
  if (msg.type() !== 'error') return;
  const loc = msg.location()?.url ?? '';
  // Chromium logs every non-2xx fetch as "Failed to load resource"; the expected 503s are not errors.
  if (msg.text().startsWith('Failed to load resource') && allowedUrls.has(loc)) return;
  fail(`console error: ${msg.text()}${loc ? ` (${loc})` : ''}`);
});


try {
  const first = await page.goto(args.base + '/', { waitUntil: 'load' });
  if (!first || !first.ok()) throw new Error(`GET ${args.base}/ answered ${first ? first.status() : 'nothing'}`);

  for (const [i, pg] of PAGES.entries()) {
    const info = {};
    summary.pages[pg.name] = info;
    const before = failures.length;
    await page.evaluate((h) => {
      location.hash = h;
    }, pg.hash);
    await waitFor(`#page[data-page="${pg.name}"][data-loaded="1"]`, `${pg.name} page to load`);
    info.nav_links = await page.locator('#nav a').count();
    if (info.nav_links < 6) fail(`${pg.name}: nav bar has ${info.nav_links} links, expected 6`);

    if (pg.name === 'overview') await checkBadge(info);
    if (pg.name === 'opportunities') await checkOpportunities(info);
    if (pg.name === 'coin') await checkCoin(info);
    if (pg.name === 'models') info.state = (await page.locator('#models-active').count()) ? 'active models' : (await page.locator('#models-empty').count()) ? 'no model (empty state)' : 'other';
    if (pg.name === 'portfolio') await checkPortfolio(info);
    if (pg.name === 'data') info.state = (await page.locator('#coverage-pct').count()) ? `coverage ${await text('#coverage-pct .stat-value')}` : 'no coverage audit';

    await checkNoErrorsShown(pg.name, info);
    if (args.screenshots) await page.screenshot({ path: path.join(args.screenshots, `${String(i + 1).padStart(2, '0')}-${pg.name}.png`), fullPage: true });
    info.ok = failures.length === before;
  }
  // The badge is global: it must still be right after the tour.
  const badge = (await text('#readiness-badge')).trim();
  if (summary.pages.overview?.badge_ok && badge !== (args.expectReady ? 'READY' : 'NOT READY')) fail(`readiness badge changed to "${badge}" during the run`);
} catch (e) {
  fail(e.message.split('\n')[0]);
}
await finish(null);

// ---- checks ----

async function checkBadge(info) {
  const want = args.expectReady ? 'READY' : 'NOT READY';
  try {
    await page.waitForFunction(
      (w) => {
        const b = document.getElementById('readiness-badge');
        return b && b.dataset.state !== 'pending' && b.textContent.trim() === w;
      },
      want,
      { timeout: WAIT_MS },
    );
  } catch {
    const got = await page.locator('#readiness-badge').textContent().catch(() => null);
    const detail = await page.locator('#readiness-detail').textContent().catch(() => null);
    fail(`readiness badge: expected "${want}" within ${WAIT_MS / 1000} s, got "${got}" (${detail})`);
  }
  info.badge = (await text('#readiness-badge')).trim();
  info.badge_ok = info.badge === want;
  info.badge_detail = (await text('#readiness-detail')).trim().slice(0, 200);
}

async function checkOpportunities(info) {
  const rows = await page.locator('#opportunities-table tbody tr').count();
  const emptyEl = page.locator('#opportunities-empty');
  const emptyVisible = (await emptyEl.count()) > 0 && (await emptyEl.isVisible());
  const emptyText = emptyVisible ? (await emptyEl.innerText()).trim() : '';
  info.rows = rows;
  if (emptyVisible) info.empty = emptyText.replace(/\s+/g, ' ').slice(0, 300);
  if (rows === 0 && !(emptyVisible && emptyText)) fail('opportunities: neither table rows nor a visible #opportunities-empty with text');
  if (!args.expectReady && rows > 0) fail(`opportunities: ${rows} candidate rows while the service is expected NOT READY`);
  if (!args.expectReady && !emptyVisible) fail('opportunities: expected the #opportunities-empty state while NOT READY');
}

async function checkCoin(info) {
  await waitFor('#coin-chart[data-candles] canvas', 'the candle chart');
  info.pair = (await text('#pair-select option:checked')).trim();
  info.candles = Number(await page.getAttribute('#coin-chart', 'data-candles'));
  if (!(info.candles > 0)) fail('coin: the chart has no candles');
  info.predictions = (await page.locator('#predictions-latest').count())
    ? 'table'
    : (await page.locator('#predictions-disabled').count())
      ? 'disabled (no model)'
      : 'empty';
  // Let the chart paint its frame before the screenshot.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const shot = await page.locator('#coin-chart').screenshot();
  if (args.screenshots) fs.writeFileSync(path.join(args.screenshots, 'coin-chart.png'), shot);
  const stats = pngStats(shot);
  info.chart_png = stats;
  // Grid lines and axis text are grey: only drawn candles and volume bars are colourful.
  if (stats.differing < 500 || stats.colours < 5 || stats.coloured < 1000)
    fail(
      `coin: the candle chart looks blank (${stats.differing} pixels differ from the background, ${stats.colours} distinct colours, ${stats.coloured} coloured pixels)`,
    );
}

async function checkPortfolio(info) {
  if (await page.locator('#equity-chart').count()) {
    await waitFor('#equity-chart canvas', 'the equity chart');
    info.state = `equity chart (${await page.getAttribute('#equity-chart', 'data-points')} points)`;
  } else if (await page.locator('#portfolio-empty').count()) {
    info.state = 'not stepped (empty state)';
  } else info.state = 'other';
  info.mode = (await text('#mode-badge')).trim();
  info.backtests = (await page.locator('#backtests-table tbody tr').count()) || ((await page.locator('#backtests-empty').count()) ? 'none (empty state)' : 0);
}

async function checkNoErrorsShown(name, info) {
  const errs = await page.locator('.api-error').allInnerTexts();
  for (const e of errs) fail(`${name}: the page shows an error: ${e.replace(/\s+/g, ' ').slice(0, 300)}`);
  const notices = await page.locator('.api-unavailable').allInnerTexts();
  if (notices.length) info.unavailable = notices.map((x) => x.replace(/\s+/g, ' ').slice(0, 160));
  const body = await page.locator('body').innerText();
  const bad = body.match(/\bundefined\b|\bNaN\b|\[object Object\]|\bnull\b/);
  if (bad) fail(`${name}: the page shows "${bad[0]}": …${body.slice(Math.max(0, bad.index - 60), bad.index + 40).replace(/\s+/g, ' ')}…`);
}

// ---- helpers ----

async function waitFor(selector, what) {
  try {
    await page.waitForSelector(selector, { timeout: WAIT_MS, state: 'attached' });
  } catch {
    throw new Error(`timed out after ${WAIT_MS / 1000} s waiting for ${what} (${selector})`);
  }
}

async function text(selector) {
  return (await page.locator(selector).first().textContent({ timeout: 2000 }).catch(() => '')) ?? '';
}

/** Pixels differing from the most common (background) colour, distinct colours, and
 *  coloured (saturated, i.e. not grey) pixels. */
function pngStats(buf) {
  const png = PNG.sync.read(buf);
  const counts = new Map();
  const d = png.data;
  for (let i = 0; i < d.length; i += 4) {
    const k = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let bg = 0;
  let bgN = -1;
  for (const [k, n] of counts) if (n > bgN) [bg, bgN] = [k, n];
  const br = bg >> 16;
  const bgG = (bg >> 8) & 255;
  const bb = bg & 255;
  let differing = 0;
  let coloured = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (Math.abs(d[i] - br) + Math.abs(d[i + 1] - bgG) + Math.abs(d[i + 2] - bb) > 24) differing++;
    if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) coloured++;
  }
  return { width: png.width, height: png.height, differing, colours: counts.size, coloured };
}

async function finish(fatal) {
  if (fatal) fail(fatal);
  await browser?.close().catch(() => undefined);
  summary.ok = failures.length === 0;
  if (failures.length) summary.failures = failures;
  process.stdout.write(JSON.stringify(summary) + '\n');
  // A closing tally for CI logs: one check per page (a failure outside any page counts once).
  const pages = Object.values(summary.pages);
  const passed = pages.filter((p) => p.ok === true).length;
  const failed = Math.max(PAGES.length - passed, failures.length ? 1 : 0);
  process.stderr.write(`browser: ${passed} passed, ${failed} failed\n`);
  if (failures.length) {
    process.stderr.write(`browser test FAILED:\n${failures.map((f) => '  - ' + f).join('\n')}\n`);
    process.exit(1);
  }
  process.exit(0);
}
