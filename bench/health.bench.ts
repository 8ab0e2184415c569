/**
 * `npm run bench:health`: how long the 规则体检 and the 整改路径 take on this machine.
 *
 * For each sample document (rules/jilin-eco-target/*.json) and for a 60-item synthetic document
 * (bench/health-synthetic.ts): the whole check (`checkDocument`: validation, bounds, search,
 * witnesses replayed), the bound-analysis part alone (`checkPrepared` in `bounds` mode on a
 * prepared document: what the editor runs as you type), and the findings and undecided properties.
 * Then the exact path (engine/health/exact) to the next grade of every region of the 2025 sample
 * data, once each, and the figures of the other years (the solver's load is timed apart). Times are
 * CPU time of this process (the machine is shared); check times are the best of `BENCH_ROUNDS`
 * (default 3) runs.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { prepareDocument, validateDocument } from '../engine/index.ts';
import type { RuleDocument } from '../engine/types.ts';
import { checkDocument, checkPrepared } from '../engine/health/index.ts';
import { exactGradePath } from '../engine/health/exact/paths.ts';
import { z3 } from '../engine/health/exact/z3.ts';
import { healthSyntheticDocument } from './health-synthetic.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const root = new URL('../', import.meta.url);
const read = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));

/** CPU time of this process in ms (the machine is shared: wall time measures the others too). */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function best<T>(fn: () => T): { ms: number; value: T } {
  let ms = Infinity;
  let value!: T;
  for (let i = 0; i < ROUNDS; i++) {
    const t = cpuMs();
    value = fn();
    ms = Math.min(ms, cpuMs() - t);
  }
  return { ms, value };
}

const docs: [string, RuleDocument][] = [2021, 2022, 2023, 2024, 2025].map((y) => [
  `sample ${y} (${(read(`rules/jilin-eco-target/${y}.json`) as RuleDocument).categories.reduce((s, c) => s + c.items.length, 0)} items)`,
  read(`rules/jilin-eco-target/${y}.json`),
]);
const synthetic = healthSyntheticDocument();
const problems = validateDocument(synthetic, { runTests: false });
if (problems.length) throw new Error(`synthetic document invalid: ${JSON.stringify(problems.slice(0, 3))}`);
docs.push(['synthetic (60 items)', synthetic]);

console.log(
  '规则体检 / health check (CPU time, best of %d; load average %s on %d cores)\n',
  ROUNDS,
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' '),
  cpus().length,
);
console.log('  document               whole check   bounds only   findings (overlaps)   unknown');
let unknownOnSamples = 0;
for (const [name, doc] of docs) {
  const whole = best(() => checkDocument(doc));
  const p = prepareDocument(doc);
  const bounds = best(() => checkPrepared(p, { mode: 'bounds' }));
  const f = whole.value.findings;
  const overlaps = f.filter((x) => x.code === 'conditions_overlap').length;
  if (name.startsWith('sample')) unknownOnSamples += whole.value.unknown.length;
  console.log(
    `  ${name.padEnd(22)} ${whole.ms.toFixed(0).padStart(8)} ms ${bounds.ms.toFixed(1).padStart(10)} ms ${String(f.length - overlaps).padStart(10)} (${overlaps}) ${String(whole.value.unknown.length).padStart(12)}`,
  );
}
console.log(`\n  undecided on the samples: ${unknownOnSamples} (target 0)`);

const t0 = performance.now();
await z3();
console.log(`\n整改路径: solver loaded in ${(performance.now() - t0).toFixed(0)} ms (once per process)`);
// Every region of 2025 in detail, then the other years' figures.
for (const year of [2025, 2021, 2022, 2023, 2024]) {
  const doc = read(`rules/jilin-eco-target/${year}.json`) as RuleDocument;
  const data = read(`rules/sample-data/${year}.json`) as {
    regions: { code: string; name: string; values: Record<string, unknown> }[];
  };
  const prepared = prepareDocument(doc);
  if (year === 2025) console.log('\n  paths to the next grade, 2025 sample data (CPU ms / wall ms)\n');
  let worstCpu = 0;
  let worstWall = 0;
  let proven = 0;
  for (const region of data.regions) {
    const t = performance.now();
    const c = cpuMs();
    const path = await exactGradePath(prepared, region);
    const cpu = cpuMs() - c;
    const wall = performance.now() - t;
    if (path.minimal) proven++;
    worstCpu = Math.max(worstCpu, cpu);
    worstWall = Math.max(worstWall, wall);
    if (year !== 2025) continue;
    const what = !path.reachable
      ? `out of reach (${(path.reasons ?? []).map((x) => `${x.kind}${x.id ? ' ' + x.id : ''}`).join(', ')})`
      : path.changes.length === 0
        ? 'already at the best grade'
        : `${path.changes.length} change${path.changes.length > 1 ? 's' : ''} → ${path.to.grade} ${path.to.total}`;
    console.log(
      `  ${region.code.padEnd(7)} ${region.name.padEnd(10, '　')} ${cpu.toFixed(0).padStart(5)} / ${wall.toFixed(0).padStart(5)} ms  ${path.from.grade} → ${what}${path.minimal ? ` (proven, ${path.provenFor ?? 'floats'})` : ' (not proven minimal)'}`,
    );
  }
  console.log(
    `  ${year}: slowest region ${worstCpu.toFixed(0)} ms CPU, ${worstWall.toFixed(0)} ms wall (target < 2,000 ms); proven minimal: ${proven}/${data.regions.length}`,
  );
}
console.log(
  `  load average now: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
process.exit(0); // the solver's worker threads would keep the process alive
