// Draws the chart of docs/benchmarks.md from the JSON of a Nexmark run
// (`npm run bench:nexmark -- --json nexmark.json`):
//
//   node bench/nexmark/chart.js nexmark.json docs/nexmark.svg
//
// One group of bars per query, events/s on a log scale: weir at each
// parallelism, Flink 1.13's published figure per core, and, for the queries
// that have them, the for-loop, RxJS and Node streams. Plain SVG, no library.
import { readFileSync, writeFileSync } from 'node:fs';
import { FLINK_PER_CORE, QUERIES } from './common.js';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node bench/nexmark/chart.js <run.json> <chart.svg>');
  process.exit(1);
}
const run = JSON.parse(readFileSync(input, 'utf8'));

const SERIES = [
  { key: 'weir p=1', color: '#1f6feb', pick: (q) => find(q, 'weir', 1) },
  { key: 'weir p=2', color: '#6ea8fe', pick: (q) => find(q, 'weir', 2) },
  { key: 'Flink 1.13 per core', color: '#e8590c', pick: (q) => FLINK_PER_CORE[q] },
  { key: 'for-loop', color: '#868e96', pick: (q) => find(q, 'loop', 1) },
  { key: 'RxJS 7', color: '#d6336c', pick: (q) => find(q, 'rxjs', 1) },
  { key: 'Node streams', color: '#2b8a3e', pick: (q) => find(q, 'node', 1) },
];

function find(query, contender, parallelism) {
  const row = run.rows.find((r) => r.query === query && r.contender === contender && r.parallelism === parallelism);
  return row?.verified ? row.eventsPerSecond : undefined;
}

const queries = QUERIES.filter((q) => run.rows.some((r) => r.query === q));
const groups = queries.map((q) => ({ q, bars: SERIES.map((s) => ({ ...s, value: s.pick(q) })).filter((b) => b.value !== undefined) }));

const BAR = 7;
const GAP = 14;
const LEFT = 64;
const TOP = 48;
const HEIGHT = 300;
const LO = 1e4;
const HI = 1e8;
const y = (v) => TOP + HEIGHT - (Math.log10(Math.max(v, LO) / LO) / Math.log10(HI / LO)) * HEIGHT;
const width = Math.max(760, LEFT + groups.reduce((w, g) => w + g.bars.length * BAR + GAP, 0) + 16);
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

const parts = [];
parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${TOP + HEIGHT + 70}" font-family="system-ui, sans-serif" font-size="11">`);
parts.push(`<rect width="100%" height="100%" fill="#fff"/>`);
parts.push(`<text x="${LEFT}" y="18" font-size="13" font-weight="600">Nexmark, ${run.events.toLocaleString('en')} events: events/s (log scale), weir vs Flink 1.13 per core and JS peers</text>`);
parts.push(`<text x="${LEFT}" y="34" fill="#555">${esc(run.machine)}</text>`);
for (let e = 4; e <= 8; e++) {
  const v = 10 ** e;
  parts.push(`<line x1="${LEFT}" x2="${width - 8}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
  parts.push(`<text x="${LEFT - 6}" y="${y(v) + 4}" text-anchor="end" fill="#555">${v >= 1e6 ? `${v / 1e6}M` : `${v / 1e3}K`}</text>`);
}
let x = LEFT + GAP / 2;
for (const g of groups) {
  const start = x;
  for (const b of g.bars) {
    parts.push(`<rect x="${x}" y="${y(b.value).toFixed(1)}" width="${BAR - 1}" height="${(TOP + HEIGHT - y(b.value)).toFixed(1)}" fill="${b.color}"><title>${esc(g.q)} ${esc(b.key)}: ${Math.round(b.value).toLocaleString('en')} events/s</title></rect>`);
    x += BAR;
  }
  parts.push(`<text x="${(start + x) / 2}" y="${TOP + HEIGHT + 14}" text-anchor="middle">${g.q}</text>`);
  x += GAP;
}
let lx = LEFT;
for (const s of SERIES) {
  parts.push(`<rect x="${lx}" y="${TOP + HEIGHT + 34}" width="10" height="10" fill="${s.color}"/><text x="${lx + 14}" y="${TOP + HEIGHT + 43}">${esc(s.key)}</text>`);
  lx += 24 + s.key.length * 6;
}
parts.push('</svg>');
writeFileSync(output, parts.join('\n') + '\n');
console.log(`wrote ${output} (${groups.length} queries)`);
