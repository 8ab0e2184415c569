/**
 * One memory measurement of `npm run bench`, alone in a fresh process, on the compiled engine
 * (dist/) as `ecoscore evaluate --json` runs it: reads a rule document and a dataset file, scores
 * every region with full traces and serialises the results, whole (`evaluate` + JSON.stringify) or
 * streamed (`evaluateStreamed`, one result at a time), and prints its peak RSS as JSON.
 *
 * Usage: node bench/memory-child.mjs RULES.json DATA.json whole|streamed
 */
import { readFileSync } from 'node:fs';
import { evaluate } from '../dist/engine/evaluate/index.js';
import { evaluateStreamed } from '../dist/engine/evaluate/stream.js';
import { installNodeSha256 } from '../dist/server/node-hash.js';

installNodeSha256();
const [rulesPath, dataPath, how] = process.argv.slice(2);
const doc = JSON.parse(readFileSync(rulesPath, 'utf8'));
const data = JSON.parse(readFileSync(dataPath, 'utf8'));
globalThis.gc?.();
const before = process.memoryUsage();
const t0 = performance.now();
let jsonBytes = 0;
let scored = 0;
if (how === 'whole') {
  const ev = evaluate(doc, data, { trace: true });
  scored = ev.results.length;
  jsonBytes = JSON.stringify(ev).length;
} else {
  const s = evaluateStreamed(doc, data, { trace: true });
  jsonBytes = JSON.stringify({ ...s, ranking: undefined, results: [] }).length;
  for (const r of s.results()) {
    jsonBytes += JSON.stringify(r).length + 1;
    scored++;
  }
}
process.stdout.write(
  JSON.stringify({
    regions: data.regions.length,
    how,
    scored,
    ms: performance.now() - t0,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    rssBefore: before.rss,
    jsonBytes,
  }),
);
