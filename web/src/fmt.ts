// Formatting that never prints "undefined", "null" or "NaN": anything missing is "–".

export const DASH = '–';

export function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

export function arr<T>(x: T[] | null | undefined): T[] {
  return Array.isArray(x) ? x : [];
}

export function str(x: unknown): string {
  if (x === null || x === undefined) return DASH;
  if (typeof x === 'string') return x === '' ? DASH : x;
  if (typeof x === 'number') return Number.isFinite(x) ? String(x) : DASH;
  if (typeof x === 'boolean') return x ? 'yes' : 'no';
  return DASH;
}

/** Fixed decimals with thousands separators; a value that rounds to zero is "0.00", never "-0.00". */
export function num(x: unknown, digits = 2): string {
  if (!isNum(x)) return DASH;
  const s = x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return /^-[0.,]+$/.test(s) ? s.slice(1) : s;
}

export function int(x: unknown): string {
  if (!isNum(x)) return DASH;
  return Math.round(x).toLocaleString('en-US');
}

/** A fraction shown as a percentage: 0.0123 -> "1.23%". */
export function pct(x: unknown, digits = 2, signed = false): string {
  if (!isNum(x)) return DASH;
  const v = x * 100;
  let s = v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  if (/^-[0.,]+$/.test(s)) s = s.slice(1);
  return (signed && v > 0 ? '+' : '') + s + '%';
}

/** A log return shown as the simple return it stands for, in %: ln(1.01) -> "+1.00%". */
export function logRetPct(x: unknown, digits = 2): string {
  if (!isNum(x)) return DASH;
  return pct(Math.expm1(x), digits, true);
}

/** A price: more decimals for small prices. */
export function price(x: unknown): string {
  if (!isNum(x)) return DASH;
  const a = Math.abs(x);
  const d = a >= 1000 ? 2 : a >= 1 ? 4 : a >= 0.01 ? 6 : 8;
  return num(x, d);
}

export function signed(x: unknown, digits = 2): string {
  if (!isNum(x)) return DASH;
  return (x > 0 ? '+' : '') + num(x, digits);
}

/** Unix seconds -> "2022-02-01 13:00 UTC". */
export function utc(t: unknown, withSeconds = false): string {
  if (!isNum(t)) return DASH;
  const d = new Date(t * 1000);
  if (Number.isNaN(d.getTime())) return DASH;
  const iso = d.toISOString();
  return iso.slice(0, 10) + ' ' + iso.slice(11, withSeconds ? 19 : 16) + ' UTC';
}

export function utcDay(t: unknown): string {
  if (!isNum(t)) return DASH;
  const d = new Date(t * 1000);
  if (Number.isNaN(d.getTime())) return DASH;
  return d.toISOString().slice(0, 10);
}

export function mb(bytes: unknown): string {
  if (!isNum(bytes)) return DASH;
  return num(bytes / (1024 * 1024), 1);
}

/** Milliseconds as a compact duration: "3d 4h", "12m 5s". */
export function duration(ms: unknown): string {
  if (!isNum(ms) || ms < 0) return DASH;
  let s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const hh = Math.floor(s / 3600);
  s -= hh * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return `${d}d ${hh}h`;
  if (hh > 0) return `${hh}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

export function nowUtc(): string {
  const iso = new Date().toISOString();
  return iso.slice(11, 19) + ' UTC';
}
