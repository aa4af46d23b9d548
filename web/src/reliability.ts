// The reliability diagram: per bin, the mean predicted probability against the observed
// frequency, with the diagonal of perfect calibration and each bin's count.

import type { Bin } from './api';
import { svg } from './dom';
import { int, isNum, num } from './fmt';

export function reliabilityDiagram(bins: Bin[], label: string): SVGElement {
  const W = 340;
  const H = 300;
  const L = 44;
  const R = 12;
  const T = 14;
  const B = 70;
  const pw = W - L - R;
  const ph = H - T - B;
  const x = (v: number): number => L + v * pw;
  const y = (v: number): number => T + (1 - v) * ph;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'reliability', role: 'img', 'aria-label': label });
  root.append(svg('title', {}, label));

  // grid and axes
  for (let i = 0; i <= 10; i += 2) {
    const v = i / 10;
    root.append(svg('line', { x1: x(0), x2: x(1), y1: y(v), y2: y(v), class: 'rd-grid' }));
    root.append(svg('line', { x1: x(v), x2: x(v), y1: y(0), y2: y(1), class: 'rd-grid' }));
    root.append(svg('text', { x: L - 6, y: y(v) + 3, class: 'rd-tick', 'text-anchor': 'end' }, v.toFixed(1)));
    root.append(svg('text', { x: x(v), y: y(0) + 13, class: 'rd-tick', 'text-anchor': 'middle' }, v.toFixed(1)));
  }
  root.append(svg('rect', { x: L, y: T, width: pw, height: ph, class: 'rd-frame' }));
  root.append(svg('line', { x1: x(0), y1: y(0), x2: x(1), y2: y(1), class: 'rd-diagonal' }));
  root.append(svg('text', { x: x(0.5), y: y(0) + 27, class: 'rd-axis', 'text-anchor': 'middle' }, 'mean predicted P(up)'));
  root.append(
    svg('text', { x: 11, y: y(0.5), class: 'rd-axis', 'text-anchor': 'middle', transform: `rotate(-90 11 ${y(0.5)})` }, 'observed frequency'),
  );

  // count strip under the plot: bar heights proportional to the bin's count
  const counts = bins.map((b) => (isNum(b.count) ? b.count : 0));
  const maxCount = Math.max(1, ...counts);
  const stripTop = y(0) + 34;
  const stripH = 22;
  for (const b of bins) {
    if (!isNum(b.lo) || !isNum(b.hi)) continue;
    const c = isNum(b.count) ? b.count : 0;
    const hgt = (c / maxCount) * stripH;
    root.append(
      svg(
        'rect',
        { x: x(b.lo) + 1, y: stripTop + stripH - hgt, width: Math.max(1, x(b.hi) - x(b.lo) - 2), height: hgt, class: 'rd-count' },
        svg('title', {}, `bin ${num(b.lo, 2)}–${num(b.hi, 2)}: ${int(b.count)} predictions`),
      ),
    );
    if (c > 0)
      root.append(svg('text', { x: (x(b.lo) + x(b.hi)) / 2, y: stripTop + stripH + 9, class: 'rd-count-label', 'text-anchor': 'middle' }, compact(c)));
  }

  // the points, joined in bin order
  const pts = bins.filter((b) => isNum(b.mean_predicted) && isNum(b.frequency) && (b.count ?? 0) > 0);
  if (pts.length > 1) {
    const d = pts.map((b, i) => `${i ? 'L' : 'M'}${x(b.mean_predicted as number).toFixed(1)},${y(b.frequency as number).toFixed(1)}`).join(' ');
    root.append(svg('path', { d, class: 'rd-line' }));
  }
  for (const b of pts) {
    root.append(
      svg(
        'circle',
        { cx: x(b.mean_predicted as number), cy: y(b.frequency as number), r: 3.5, class: 'rd-point' },
        svg('title', {}, `predicted ${num(b.mean_predicted, 3)}, observed ${num(b.frequency, 3)}, n=${int(b.count)}`),
      ),
    );
  }
  if (!pts.length) root.append(svg('text', { x: x(0.5), y: y(0.5), class: 'rd-axis', 'text-anchor': 'middle' }, 'no populated bins'));
  return root;
}

function compact(n: number): string {
  if (n >= 1_000_000) return (n / 1_000_000).toFixed(1) + 'M';
  if (n >= 10_000) return Math.round(n / 1000) + 'k';
  if (n >= 1000) return (n / 1000).toFixed(1) + 'k';
  return String(n);
}
