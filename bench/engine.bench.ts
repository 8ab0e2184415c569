/**
 * `npm run bench`: how fast the engine scores regions, in one run, on this machine.
 *
 * For the 2025 sample document (rules/jilin-eco-target/2025.json) and for a 60-item synthetic
 * document, at 12 regions (the sample data) and 3,000 synthetic regions (the sample data with
 * seeded jitter), region evaluations per second of:
 *   (a) plain `jsonLogic.apply`, formula by formula (derived values, items, bonus items,
 *       conditions) — the naive baseline: formulas only, no checks, results or ranks;
 *   (b) the interpreted pipeline (engine/evaluate/score.ts), traces on and off;
 *   (c) the compiled pipeline (engine/compile/), traces on and off, and (for the 2025 sample)
 *       without traces, results not kept — scoring alone, as (d′) does it;
 *   (d) for the 2025 sample, the same scoring hand-written in TypeScript, checked here to give the
 *       same results: like for like (input checks, the same result objects, kept and ranked), and
 *       (d′) arithmetic only — totals and grades, then ranks — the ceiling;
 *   (e) `evaluate()` end to end as the CLI and run creation call it, with the document and the
 *       dataset as immutable (frozen) values, traces on and off, and (f) with plain objects, which
 *       costs both content hashes per call; (h) the dataset hash alone;
 * the ratios between them; the time of a 10,000-variant sensitivity analysis over the 12 sample
 * regions and over 3,000 (wall clock and CPU time; the target is judged by the benchmark's clock);
 * and, in a separate process each, the peak memory of scoring 3,000 and 30,000 regions with full
 * traces and serialising them, whole (`evaluate` + JSON.stringify) and streamed
 * (engine/evaluate/stream.ts, as `ecoscore evaluate --json` writes them).
 *
 * The naive baseline (a) is the best plain pipeline with json-logic-js: each region's data object
 * built with Object.assign (a spread is about three times slower in V8).
 *
 * (b) and (c) run the pipeline exactly as `evaluate` does — `scoreDataset` of
 * engine/evaluate/index.ts: every region scored, the results kept and ranked, errors and warnings
 * collected — but for the dataset hash, measured apart in (e) and (h) so that the figures compare
 * scoring with scoring. Each figure is the best of several rounds over whole datasets, the modes
 * taking turns, so that a busy machine penalises them alike. `BENCH_ROUNDS` (default 5) and
 * `BENCH_ROUND_MS` (default 250) set the rounds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  analysePrepared,
  evaluate,
  evaluatePrepared,
  logic as jsonLogic,
  prepareDocument,
  rankOf,
  validateDocument,
  type BonusItemResult,
  type CategoryResult,
  type Dataset,
  type ItemResult,
  type Label,
  type PreparedDocument,
  type RegionError,
  type RegionResult,
  type RegionData,
  type RuleDocument,
} from '../engine/index.ts';
import { fastRoundHalfAway } from '../engine/compile/round.ts';
import { scoreDataset } from '../engine/evaluate/index.ts';
import { compiledDocumentFor, scoreRegionsCompiled } from '../engine/compile/index.ts';
import { datasetHash } from '../engine/dataset/hash.ts';
import { freezeValue } from '../engine/cache/frozen.ts';
import { installNodeSha256 } from '../server/node-hash.ts';
import { mulberry32 } from '../engine/sensitivity/prng.ts';
import { synthesize } from './data.ts';
import { syntheticData, syntheticDocument } from './synthetic.ts';
import { checkHandWritten, handWritten, handWrittenFullRun } from './hand-written.ts';

// As the server and the CLI do: node:crypto's SHA-256 for content hashes (the same digests).
installNodeSha256();

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 250);
const root = new URL('../', import.meta.url);
const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));

// ---------------------------------------------------------------------------------------------
// The four ways of scoring a dataset

/** (a) The naive baseline: every formula through jsonLogic.apply, one by one. */
function naive(doc: RuleDocument): (data: Dataset) => number {
  const defaults: Record<string, unknown> = {};
  for (const i of doc.inputs) if (i.default !== undefined) defaults[i.key] = i.default;
  const derived = doc.derived ?? [];
  const items = doc.categories.flatMap((c) => c.items.map((it) => it.logic));
  const bonus = (doc.bonus?.items ?? []).map((b) => b.logic);
  const conditions = [...(doc.downgrades ?? []), ...(doc.caps ?? []), ...(doc.vetoes ?? [])].map(
    (x) => x.when,
  );
  return (data) => {
    let sink = 0;
    for (const region of data.regions) {
      // Object.assign, not a spread: V8 builds the spread about three times slower.
      const ctx: Record<string, unknown> = Object.assign({}, defaults, region.values);
      for (const d of derived) ctx[d.key] = jsonLogic.apply(d.logic as never, ctx);
      for (const f of items) sink += jsonLogic.apply(f as never, ctx) as number;
      for (const f of bonus) sink += jsonLogic.apply(f as never, ctx) as number;
      for (const f of conditions) if (jsonLogic.truthy(jsonLogic.apply(f as never, ctx))) sink++;
    }
    return sink;
  };
}

/**
 * (b) and (c): the pipeline as `evaluate` runs it — every region scored, results kept and ranked,
 * errors and warnings collected — without the dataset hash.
 */
function pipeline(
  p: PreparedDocument,
  mode: 'interpreted' | 'compiled',
  trace: boolean,
): (data: Dataset) => number {
  return (data) => scoreDataset(p, data, { mode, trace }).results.length;
}

/**
 * (c) scoring alone, for comparison with (d′): the compiled pipeline, traces off, on groups of
 * regions, only totals and grades kept (then ranked), each group's results dropped as the next is
 * scored. The difference with (c) is the cost of keeping every region's results until the end, as
 * `evaluate` must: with 3,000 regions, mostly the garbage collector copying them.
 */
function compiledNotKept(p: PreparedDocument): (data: Dataset) => number {
  const cd = compiledDocumentFor(p);
  return (data) => {
    const entries: { total: number; gradeIndex: number }[] = [];
    const lanes = cd.program.lanes;
    for (let i = 0; i < data.regions.length; i += lanes)
      for (const o of scoreRegionsCompiled(cd, data.regions.slice(i, i + lanes), false))
        if (o.result) entries.push({ total: o.result.total, gradeIndex: o.gradeIndex });
    return rankOf(entries).length;
  };
}

/**
 * (e) `evaluate()` end to end, as the CLI and run creation call it: document and dataset given as
 * immutable values (frozen: validation, preparation, compilation and the dataset hash found by
 * identity), traces on (e1) or off (e0); and (f) with plain, unfrozen objects, which costs the
 * document's and the dataset's content hashes on every call (the rest found by hash).
 */
function endToEnd(doc: RuleDocument, trace: boolean): (data: Dataset) => number {
  const frozenDoc = freezeValue(structuredClone(doc));
  const frozen = new WeakMap<Dataset, Dataset>();
  return (data) => {
    let d = frozen.get(data);
    if (!d) frozen.set(data, (d = freezeValue(copyOf(data))));
    return evaluate(frozenDoc, d, { trace }).results.length;
  };
}
function endToEndUnfrozen(doc: RuleDocument): (data: Dataset) => number {
  const copies = new WeakMap<Dataset, Dataset>();
  return (data) => {
    let d = copies.get(data);
    if (!d) copies.set(data, (d = copyOf(data)));
    return evaluate(doc, d, { trace: false }).results.length;
  };
}
/** A copy with objects in V8's fast mode (spreads), as JSON.parse makes them; not a structuredClone. */
function copyOf(data: Dataset): Dataset {
  return { year: data.year, regions: data.regions.map((r) => ({ ...r, values: { ...r.values } })) };
}

/** (h) The dataset's content hash alone: canonical JSON (RFC 8785), then SHA-256. */
function hashOnly(data: Dataset): number {
  return datasetHash(data).length;
}

// ---------------------------------------------------------------------------------------------
// Measuring

let peakHeap = 0;
let peakRss = 0;
function sampleMemory(): void {
  const m = process.memoryUsage();
  if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  if (m.rss > peakRss) peakRss = m.rss;
}

/**
 * The clock of the rates: this process's CPU time by default (`BENCH_CLOCK=cpu`), which other work
 * on a shared machine distorts far less than the wall clock (`BENCH_CLOCK=wall`). It counts the
 * garbage collector's helper threads too, for every mode alike.
 */
const clock =
  process.env.BENCH_CLOCK === 'wall'
    ? () => performance.now()
    : () => {
        const c = process.cpuUsage();
        return (c.user + c.system) / 1000;
      };

/** Regions per second of `run` over `data`: the best of ROUNDS rounds, the runs taking turns. */
function race(runs: Record<string, (data: Dataset) => number>, data: Dataset): Record<string, number> {
  const best: Record<string, number> = {};
  const n = data.regions.length;
  for (const [name, run] of Object.entries(runs)) {
    const until = performance.now() + 100;
    do run(data);
    while (performance.now() < until);
    best[name] = 0;
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(runs)) {
      let calls = 0;
      const t0 = clock();
      let t = t0;
      do {
        run(data);
        calls++;
        t = clock();
      } while (t - t0 < ROUND_MS);
      sampleMemory();
      best[name] = Math.max(best[name], (calls * n) / ((t - t0) / 1000));
    }
  }
  return best;
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - s.length));
const lpad = (s: string, n: number) => ' '.repeat(Math.max(0, n - s.length)) + s;

// ---------------------------------------------------------------------------------------------
// The memory children (bench/memory-child.mjs): the compiled engine, as the CLI runs it, alone in a
// fresh process on a dataset file written here

function runChild(regions: number, how: 'whole' | 'streamed'): Record<string, number | string> {
  const dir = mkdtempSync(join(tmpdir(), 'ecoscore-bench-'));
  try {
    const doc = readJson('rules/jilin-eco-target/2025.json') as RuleDocument;
    const sample = readJson('rules/sample-data/2025.json') as Dataset;
    const dataPath = join(dir, 'data.json');
    writeFileSync(dataPath, JSON.stringify(synthesize(doc, sample.regions, regions, 2025)));
    const res = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        fileURLToPath(new URL('memory-child.mjs', import.meta.url)),
        fileURLToPath(new URL('rules/jilin-eco-target/2025.json', root)),
        dataPath,
        how,
      ],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    if (res.status !== 0) throw new Error(`memory child failed: ${res.stderr}`);
    return JSON.parse(res.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** dist/ compiled when missing or stale (what `npm start` and `npx ecoscore` do first). */
function ensureDist(): void {
  const res = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', "await (await import('./bin/build.js')).buildDist()"],
    { cwd: fileURLToPath(root), stdio: 'inherit' },
  );
  if (res.status !== 0) throw new Error('could not build dist/ for the memory children');
}

// ---------------------------------------------------------------------------------------------
// Main

function main(): void {
  const started = performance.now();
  const doc2025 = readJson('rules/jilin-eco-target/2025.json') as RuleDocument;
  const sample2025 = readJson('rules/sample-data/2025.json') as Dataset;
  const synth = syntheticDocument();
  const synthData = syntheticData(synth, 60);
  const datasets = {
    '2025 sample (30 items)': {
      doc: doc2025,
      small: sample2025,
      large: synthesize(doc2025, sample2025.regions, 3000, 2025),
    },
    'synthetic (60 items)': {
      doc: synth,
      small: synthData,
      large: synthesize(synth, synthData.regions, 3000, 61),
    },
  };
  const cpu = (() => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? '';
    } catch {
      return '';
    }
  })();
  console.log(`ecoscore engine benchmark — node ${process.version}${cpu ? `, ${cpu}` : ''}`);
  console.log(
    `best of ${ROUNDS} rounds of ${ROUND_MS} ms (${process.env.BENCH_CLOCK === 'wall' ? 'wall clock' : 'CPU time'}) per figure; region evaluations per second (scored, kept and ranked; without the dataset hash but in (e) and (f))\n`,
  );

  const modes = [
    ['a', 'jsonLogic.apply per formula (naive)'],
    ['b1', 'interpreted pipeline, traces on'],
    ['b0', 'interpreted pipeline, traces off'],
    ['c1', 'compiled pipeline, traces on'],
    ['c0', 'compiled pipeline, traces off'],
    ['c0s', 'compiled, traces off, results not kept (as d′)'],
    ['d', 'hand-written TS, same result objects and input checks'],
    ['d0', 'hand-written TS, arithmetic only (totals, grades)'],
    ['e1', 'evaluate() end to end, traces on (immutable inputs)'],
    ['e0', 'evaluate() end to end, traces off (immutable inputs)'],
    ['f', 'evaluate() end to end, traces off, plain objects (hashes)'],
    ['h', 'dataset content hash alone (canonical JSON, SHA-256)'],
  ] as const;
  const summary: { name: string; size: number; rates: Record<string, number> }[] = [];
  for (const [name, { doc, small, large }] of Object.entries(datasets)) {
    const p = prepareDocument(doc);
    for (const data of [small, large]) {
      const check = evaluate(doc, data, { trace: false });
      if (check.errors.length) throw new Error(`${name}: bench data has errors: ${check.errors[0].message}`);
      const runs: Record<string, (d: Dataset) => number> = {
        a: naive(doc),
        b1: pipeline(p, 'interpreted', true),
        b0: pipeline(p, 'interpreted', false),
        c1: pipeline(p, 'compiled', true),
        c0: pipeline(p, 'compiled', false),
      };
      if (doc === doc2025) {
        checkHandWritten(doc, data);
        runs.d = handWrittenFullRun(doc);
        runs.d0 = handWritten;
        runs.c0s = compiledNotKept(p);
        runs.e1 = endToEnd(doc, true);
        runs.e0 = endToEnd(doc, false);
        runs.f = endToEndUnfrozen(doc);
        runs.h = hashOnly;
      }
      const rates = race(runs, data);
      summary.push({ name, size: data.regions.length, rates });
      console.log(`${name}, ${fmt(data.regions.length)} regions`);
      for (const [key, label] of modes) {
        if (rates[key] === undefined) continue;
        console.log(
          `  ${pad(`(${key[0]}${key === 'd0' ? '′' : ''}) ${label}`, 58)}${lpad(fmt(rates[key]), 12)} /s`,
        );
      }
      const r = rates;
      const ratio = (x: number, y: number) => `${(x / y).toFixed(1)}×`;
      console.log(
        `  ratios: compiled/naive ${ratio(r.c0, r.a)}, compiled/interpreted ${ratio(r.c0, r.b0)} (traces on: ${ratio(r.c1, r.b1)})` +
          (r.d
            ? `, hand-written/compiled ${ratio(r.d, r.c0)} (arithmetic only: ${ratio(r.d0, r.c0)}; results not kept: ${ratio(r.d0, r.c0s)})`
            : ''),
      );
      if (r.e0)
        console.log(
          `  evaluate() end to end / naive: traces on ${ratio(r.e1, r.a)}, off ${ratio(r.e0, r.a)}; plain objects (hashing both every call) ${ratio(r.f, r.a)}`,
        );
      console.log('');
    }
  }

  // Sensitivity: 10,000 random variants over the 12 sample regions of 2025, then over 3,000.
  const p2025 = prepareDocument(doc2025);
  const mode = { kind: 'random' as const, n: 10_000, seed: 1, p: 20 };
  const times: number[] = [];
  let report = analysePrepared(p2025, sample2025, mode);
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    report = analysePrepared(p2025, sample2025, mode);
    times.push(performance.now() - t0);
    sampleMemory();
  }
  const pSynth = prepareDocument(synth);
  const t1 = performance.now();
  analysePrepared(pSynth, synthData, mode);
  const synthMs = performance.now() - t1;
  console.log('sensitivity analysis, 10,000 random variants (±20 %, category sums kept)');
  console.log(
    `  2025 sample (30 items), 12 regions: best ${Math.min(...times).toFixed(0)} ms, median ${times.sort((a, b) => a - b)[2].toFixed(0)} ms (${report.variants} variants; ${report.unstable.length} unstable, ${report.stable.length} stable regions)`,
  );
  console.log(`  synthetic (60 items), 12 regions:   ${synthMs.toFixed(0)} ms (first run)`);
  const large = datasets['2025 sample (30 items)'].large;
  const cpu0 = process.cpuUsage();
  const t2 = performance.now();
  const bigReport = analysePrepared(p2025, large, mode);
  const bigMs = performance.now() - t2;
  const bigCpu = process.cpuUsage(cpu0);
  const bigCpuMs = (bigCpu.user + bigCpu.system) / 1000;
  sampleMemory();
  console.log(
    `  2025 sample, 3,000 regions:          ${bigMs.toFixed(0)} ms wall, ${bigCpuMs.toFixed(0)} ms CPU (${bigReport.unstable.length} unstable, ${bigReport.stable.length} stable regions)\n`,
  );

  // Peak memory with full traces, serialisation included, each case in its own process.
  ensureDist();
  const children = [
    runChild(3000, 'whole'),
    runChild(3000, 'streamed'),
    runChild(30000, 'whole'),
    runChild(30000, 'streamed'),
  ];
  console.log(
    'regions of the 2025 sample with full traces, serialised, alone in a fresh process (compiled engine, as the CLI)',
  );
  for (const c of children)
    console.log(
      `  ${lpad(fmt(c.regions as number), 6)} regions, ${pad(String(c.how), 9)} peak RSS ${mb(c.maxRssBytes as number)} (${mb(c.rssBefore as number)} with the data, before scoring), JSON ${mb(c.jsonBytes as number)}, ${Number(c.ms).toFixed(0)} ms`,
    );
  sampleMemory();
  console.log(
    `\nthis benchmark process: peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}, peak heap sampled ${mb(peakHeap)}`,
  );

  // Targets (issue 19).
  const s2025 = summary.filter((s) => s.name.startsWith('2025'));
  const worst = (f: (r: Record<string, number>) => number) => Math.min(...s2025.map((s) => f(s.rates)));
  const perSize = (f: (r: Record<string, number>) => number) =>
    s2025.map((s) => `${fmt(s.size)} regions ${f(s.rates).toFixed(1)}×`).join(', ');
  const peak = (regions: number, how: string) =>
    children.find((c) => c.regions === regions && c.how === how)!.maxRssBytes as number;
  const ok = (b: boolean) => (b ? 'met' : 'NOT MET');
  console.log('\ntargets');
  console.log(
    `  evaluate() end to end ≥ 10× naive, traces off:  ${perSize((r) => r.e0 / r.a)}  ${ok(worst((r) => r.e0 / r.a) >= 10)}`,
  );
  console.log(
    `    (traces on: ${perSize((r) => r.e1 / r.a)}; plain objects, hashing each call: ${perSize((r) => r.f / r.a)})`,
  );
  console.log(
    `  compiled scoring within 3× of hand-written arithmetic (results not kept, as d′): ${perSize((r) => r.d0 / r.c0s)}  ${ok(worst((r) => 1 / (r.d0 / r.c0s)) >= 1 / 3)}`,
  );
  console.log(`    (results kept, as evaluate must: ${perSize((r) => r.d0 / r.c0)})`);
  // By the benchmark's clock: CPU time unless BENCH_CLOCK=wall (a shared machine's wall clock
  // measures its other work as much as this).
  const bigClockMs = process.env.BENCH_CLOCK === 'wall' ? bigMs : bigCpuMs;
  console.log(
    `  10,000 variants × 3,000 regions < 5 s:           ${bigMs.toFixed(0)} ms wall, ${bigCpuMs.toFixed(0)} ms CPU  ${ok(bigClockMs < 5000)}`,
  );
  console.log(
    `  30,000 regions with traces < 400 MB:             streamed ${mb(peak(30000, 'streamed'))} ${ok(peak(30000, 'streamed') < 400 * 1048576)}, whole ${mb(peak(30000, 'whole'))}`,
  );
  console.log(
    `  3,000 regions with traces < 150 MB:              streamed ${mb(peak(3000, 'streamed'))} ${ok(peak(3000, 'streamed') < 150 * 1048576)}, whole ${mb(peak(3000, 'whole'))} ${ok(peak(3000, 'whole') < 150 * 1048576)}`,
  );
  void worst;
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

main();
