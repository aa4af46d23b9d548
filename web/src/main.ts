import './style.css';
import { getJson, type Readiness } from './api';
import { h, replace } from './dom';
import { nowUtc } from './fmt';
import { readiness, type Page } from './page';
import { overviewPage } from './pages/overview';
import { opportunitiesPage } from './pages/opportunities';
import { coinPage, lastPair } from './pages/coin';
import { modelsPage } from './pages/models';
import { portfolioPage } from './pages/portfolio';
import { dataPage } from './pages/data';

const READINESS_EVERY_MS = 5_000;

interface Route {
  name: string;
  label: string;
  href: () => string;
  make: (arg: string | null) => Page;
}

const routes: Route[] = [
  { name: 'overview', label: 'Overview', href: () => '#/', make: () => overviewPage() },
  { name: 'opportunities', label: 'Opportunities', href: () => '#/opportunities', make: () => opportunitiesPage() },
  {
    name: 'coin',
    label: 'Coin',
    href: () => '#/coin' + (lastPair() ? '/' + encodeURIComponent(lastPair() as string) : ''),
    make: (arg) => coinPage(arg),
  },
  { name: 'models', label: 'Models', href: () => '#/models', make: () => modelsPage() },
  { name: 'portfolio', label: 'Portfolio', href: () => '#/portfolio', make: () => portfolioPage() },
  { name: 'data', label: 'Data', href: () => '#/data', make: () => dataPage() },
];

function parseHash(): { route: Route; arg: string | null } {
  const raw = location.hash.replace(/^#\/?/, '');
  const slash = raw.indexOf('/');
  const head = slash < 0 ? raw : raw.slice(0, slash);
  const rest = slash < 0 ? null : raw.slice(slash + 1);
  let arg: string | null = null;
  if (rest) {
    try {
      arg = decodeURIComponent(rest);
    } catch {
      arg = rest;
    }
  }
  const route = routes.find((r) => r.name === head) ?? (routes[0] as Route);
  return { route, arg };
}

// ---- layout ----

const badge = h('span', { id: 'readiness-badge', class: 'badge pending', 'data-state': 'pending', title: 'checking /api/readiness' }, 'NOT READY');
const badgeDetail = h('span', { id: 'readiness-detail', class: 'readiness-detail' }, 'checking…');
const navLinks = routes.map((r) => h('a', { href: r.href(), 'data-route': r.name }, r.label));
const main = h('main', { id: 'page', 'data-page': '', 'data-loaded': '0' });
const updated = h('span', { id: 'updated' }, '');

const app = document.getElementById('app') as HTMLElement;
replace(
  app,
  h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: '#/' }, 'CryptoSmartTrader'),
    h('nav', { id: 'nav' }, navLinks),
    h('div', { class: 'readiness' }, h('a', { href: '#/', class: 'badge-link' }, badge), badgeDetail),
  ),
  main,
  h(
    'footer',
    null,
    h('span', null, 'All times UTC.'),
    updated,
    h('span', { class: 'attribution' }, 'Charts: TradingView Lightweight Charts™ (tradingview.com)'),
  ),
);

// ---- readiness badge, every 5 s ----

async function pollReadiness(): Promise<void> {
  const r = await getJson<Readiness>('/api/readiness');
  let ready = false;
  let detail: string;
  let title: string;
  if (r.ok) {
    ready = r.data.ready === true;
    const status = typeof r.data.status === 'string' ? r.data.status.toUpperCase().replace('NOGO', 'NO-GO') : '–';
    const reasons = Array.isArray(r.data.reasons) ? r.data.reasons.filter((x) => typeof x === 'string') : [];
    detail = ready ? status : `${status}${reasons.length ? ' · ' + reasons[0] + (reasons.length > 1 ? ` (+${reasons.length - 1} more)` : '') : ''}`;
    title = reasons.length ? reasons.join('\n') : ready ? 'every readiness check passes' : 'not ready';
    badge.dataset.state = 'loaded';
  } else {
    // Unknown is not ready: without an answer the dashboard cannot claim READY.
    detail = r.status === null ? `no answer from the service: ${r.error}` : `${r.error} (HTTP ${r.status})`;
    title = `${r.endpoint}: ${detail}`;
    badge.dataset.state = r.status === 503 ? 'unavailable' : 'error';
  }
  badge.textContent = ready ? 'READY' : 'NOT READY';
  badge.className = 'badge ' + (ready ? 'ready' : 'not-ready');
  badge.title = title;
  badgeDetail.textContent = detail;
  badgeDetail.title = title;
  readiness.publish(r);
}

function loopReadiness(): void {
  pollReadiness()
    .catch(() => undefined)
    .finally(() => setTimeout(loopReadiness, READINESS_EVERY_MS));
}

// ---- router ----

let current: Page | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;

function route(): void {
  const { route: r, arg } = parseHash();
  if (timer) clearTimeout(timer);
  timer = null;
  current?.dispose();
  const page = r.make(arg);
  current = page;
  main.dataset.page = r.name;
  main.dataset.loaded = '0';
  replace(main, page.root);
  for (const a of navLinks) {
    const rt = routes.find((x) => x.name === a.dataset.route);
    if (rt) a.setAttribute('href', rt.href());
    a.classList.toggle('active', a.dataset.route === r.name);
  }
  const tick = (): void => {
    if (current !== page) return;
    page
      .refresh()
      .catch((e: unknown) => {
        // A rendering bug must not leave a blank page; say what broke, inline.
        replace(page.root, h('div', { class: 'error api-error' }, 'This page failed to render: ' + (e instanceof Error ? e.message : String(e))));
        throw e;
      })
      .finally(() => {
        if (current !== page) return;
        main.dataset.loaded = '1';
        updated.textContent = `Page refreshed ${nowUtc()} (browser clock)`;
        if (page.everyMs > 0) timer = setTimeout(tick, page.everyMs);
      });
  };
  tick();
}

window.addEventListener('hashchange', route);
route();
loopReadiness();
