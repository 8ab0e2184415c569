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
 * the ratios between them; the wall time of a 10,000-variant sensitivity analysis over the 12
 * sample regions and over 3,000; and, in a separate process each, the peak memory of scoring 3,000
 * and 30,000 regions with full traces and serialising them, whole (`evaluate` + JSON.stringify) and
 * streamed (engine/evaluate/stream.ts, as `ecoscore evaluate --json` writes them).
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
import { readFileSync } from 'node:fs';
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
import { evaluateStreamed } from '../engine/evaluate/stream.ts';
import { freezeValue } from '../engine/cache/frozen.ts';
import { installNodeSha256 } from '../server/node-hash.ts';
import { mulberry32 } from '../engine/sensitivity/prng.ts';
import { synthesize } from './data.ts';

// As the server and the CLI do: node:crypto's SHA-256 for content hashes (the same digests).
installNodeSha256();

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 250);
const root = new URL('../', import.meta.url);
const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));

// ---------------------------------------------------------------------------------------------
// Data

/** A realistic 60-item document: 4 categories, 120 inputs, derived values, bonus, conditions. */
function syntheticDocument(): RuleDocument {
  const label = (zh: string) => ({ zh });
  const inputs: RuleDocument['inputs'] = [];
  const derived: NonNullable<RuleDocument['derived']> = [];
  const parts: [string, number, number][] = [
    ['indicators', 60, 36],
    ['tasks', 25, 14],
    ['funding', 10, 6],
    ['satisfaction', 5, 4],
  ];
  let n = 0;
  const categories = parts.map(([id, max, count]) => {
    const each = Math.floor((max / count) * 100) / 100;
    const items = Array.from({ length: count }, (_, k) => {
      const i = n++;
      const points = k === count - 1 ? Math.round((max - each * (count - 1)) * 100) / 100 : each;
      const a = `x${i}`;
      const t = `x${i}_target`;
      inputs.push({ key: a, label: label(`指标${i}`), type: 'number', min: 0, max: 100, role: 'actual' });
      inputs.push({ key: t, label: label(`指标${i}目标`), type: 'number', min: 0, max: 100, role: 'target' });
      const v = (key: string) => ({ var: key });
      let logic: unknown;
      switch (i % 6) {
        case 0:
          derived.push({
            key: `d${i}`,
            label: label(`差距${i}`),
            logic: { max: [0, { '-': [v(t), v(a)] }] },
          });
          logic = { max: [0, { '-': [points, { '*': [0.25, v(`d${i}`)] }] }] };
          break;
        case 1:
          logic = {
            if: [
              { '<=': [v(t), 0] },
              points,
              { clamp: [{ '/': [{ '*': [points, v(a)] }, v(t)] }, 0, points] },
            ],
          };
          break;
        case 2:
          logic = {
            if: [{ '>=': [v(a), v(t)] }, points, { '>=': [v(a), { '-': [v(t), 3] }] }, points / 2, 0],
          };
          break;
        case 3:
          logic = {
            interp: [
              { '-': [v(a), v(t)] },
              [
                [-10, 0],
                [0, points],
              ],
            ],
          };
          break;
        case 4:
          logic = { round: [{ '/': [{ '*': [points, v(a)] }, 100] }, 1] };
          break;
        default:
          logic = { max: [0, { '-': [points, { '*': [0.5, { max: [0, { '-': [v(t), v(a)] }] }] }] }] };
      }
      return { id: `item${i}`, label: label(`考核项${i}`), maxPoints: points, logic: logic as never };
    });
    return { id, label: label(id), maxPoints: max, items };
  });
  inputs.push(
    { key: 'awards', label: label('表彰'), type: 'integer', min: 0, default: 0, role: 'assessment' },
    { key: 'models', label: label('示范'), type: 'integer', min: 0, default: 0, role: 'assessment' },
    { key: 'overdue', label: label('逾期整改'), type: 'integer', min: 0, default: 0, role: 'assessment' },
    {
      key: 'incident',
      label: label('事件'),
      type: 'string',
      enum: ['none', 'general', 'major'],
      default: 'none',
      role: 'event',
    },
    { key: 'fraud', label: label('造假'), type: 'boolean', default: false, role: 'event' },
  );
  const doc: RuleDocument = {
    schemaVersion: 1,
    family: 'bench-synthetic',
    year: 2025,
    title: label('基准测试用合成细则（60项）'),
    maxScore: 100,
    precision: 2,
    inputs,
    derived,
    categories,
    bonus: {
      cap: 5,
      items: [
        { id: 'awards', label: label('表彰'), logic: { '*': [2, { var: 'awards' }] } },
        { id: 'models', label: label('示范'), logic: { var: 'models' } },
      ],
    },
    downgrades: [
      { id: 'overdue', label: label('逾期整改'), when: { '>': [{ var: 'overdue' }, 0] }, levels: 1 },
    ],
    caps: [{ id: 'low_x0', label: label('指标0过低'), when: { '<': [{ var: 'x0' }, 40] }, maxGrade: 'good' }],
    vetoes: [
      { id: 'incident', label: label('重大事件'), when: { in: [{ var: 'incident' }, ['major']] } },
      { id: 'fraud', label: label('造假'), when: { var: 'fraud' } },
    ],
    grades: [
      { id: 'excellent', label: label('优秀'), min: 90 },
      { id: 'good', label: label('良好'), min: 80 },
      { id: 'qualified', label: label('合格'), min: 60 },
      { id: 'unqualified', label: label('不合格'), min: 0 },
    ],
  };
  const problems = validateDocument(doc, { runTests: false });
  if (problems.length) throw new Error(`synthetic document invalid: ${JSON.stringify(problems.slice(0, 3))}`);
  return doc;
}

/**
 * 12 regions for the synthetic document: targets 50–90, results around them, a few flags. Their
 * values are built key by key, which leaves objects of this many keys in V8's dictionary mode —
 * as the data that engine/dataset/parse.ts reads from CSV and spreadsheets — where reading the
 * values costs about ten times what it costs on JSON-parsed (or spread) objects, the 3,000 regions'.
 */
function syntheticData(doc: RuleDocument, seed: number): Dataset {
  const rnd = mulberry32(seed);
  const regions: RegionData[] = Array.from({ length: 12 }, (_, r) => {
    const values: Record<string, unknown> = {};
    for (const input of doc.inputs) {
      if (!input.key.endsWith('_target')) continue;
      const actual = input.key.slice(0, -'_target'.length);
      const target = Math.round((50 + 40 * rnd()) * 100) / 100;
      values[actual] = Math.round(Math.min(100, target * (0.85 + 0.25 * rnd())) * 100) / 100;
      values[input.key] = target;
    }
    values.awards = r % 5 === 0 ? 2 : 0;
    values.models = r % 4 === 0 ? 1 : 0;
    values.overdue = r === 3 ? 1 : 0;
    values.incident = r === 7 ? 'major' : 'none';
    values.fraud = false;
    return { code: `T${r + 1}`, name: `测试地区${r + 1}`, values };
  });
  return { year: doc.year, regions };
}

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

/** (d) The 2025 sample's scoring written directly in TypeScript (no input checks: the ceiling). */
interface HandResult {
  total: number;
  base: number;
  bonus: number;
  scoreGrade: number;
  grade: number;
}

const r2 = (x: number) => {
  const r = fastRoundHalfAway(x, 2);
  return r === 0 ? 0 : r;
};
const clampTo = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);
const item = (raw: number, max: number) => r2(raw < 0 ? 0 : raw > max ? max : raw);
const ratio = (max: number, x: number, target: number) =>
  target <= 0 ? max : clampTo((max * x) / target, 0, max);
const share = (max: number, x: number, target: number) =>
  target <= 0 ? max : Math.min(max, (max * x) / target);
const deduct = (max: number, per: number, n: number) => Math.max(0, max - per * n);

function hand2025(values: Record<string, any>): HandResult {
  const v = values;
  const incident = v.incident_level ?? 'none';
  const dataFraud = v.data_fraud ?? false;
  const bindingMissed = v.binding_missed ?? 0;
  const majorPetition = v.major_petition ?? false;
  const awards = v.national_awards ?? 0;
  const models = v.provincial_models ?? 0;
  const demo = v.national_demo ?? false;
  // derived values
  const goodDaysShortfall = Math.max(0, v.good_days_target - v.good_days_rate);
  const pm25Excess = Math.max(0, v.pm25 - v.pm25_target);
  const pm25Rose = v.pm25 > v.pm25_prev;
  const eqChange = v.eq_index - v.eq_index_prev;
  const projectRate =
    v.projects_planned > 0 ? Math.min(100, 100 * (v.projects_on_schedule / v.projects_planned)) : 100;
  const redlineRate = v.redline_issues > 0 ? Math.min(1, v.redline_fixed / v.redline_issues) : 1;
  const eq = eqChange <= -2 ? 0 : eqChange >= -1 ? 2 : 0 + (2 * (eqChange - -2)) / (-1 - -2);
  const sat =
    v.satisfaction <= 70 ? 0 : v.satisfaction >= 90 ? 5 : 0 + (5 * (v.satisfaction - 70)) / (90 - 70);
  const indicators = r2(
    item(deduct(5, 0.25, goodDaysShortfall), 5) +
      item(pm25Rose ? 0 : deduct(7, 0.5, pm25Excess), 7) +
      item(v.heavy_rate <= v.heavy_rate_target ? 3 : deduct(3, 2, v.heavy_rate - v.heavy_rate_target), 3) +
      item(ratio(5, v.water_good_rate, v.water_good_target), 5) +
      item(v.water_bad_rate <= v.water_bad_target ? 2 : 0, 2) +
      item(clampTo(1 - 0.1 * (v.groundwater_v_rate - v.groundwater_v_target), 0, 1), 1) +
      item(Math.max(0, v.drinking_water_rate - 95), 5) +
      item(ratio(2, v.black_odorous_rate, v.black_odorous_target), 2) +
      item(ratio(5, v.co2_reduction, v.co2_reduction_target), 5) +
      item(ratio(5, v.energy_reduction, v.energy_reduction_target), 5) +
      item(share(2, v.nox_reduction, v.nox_reduction_target), 2) +
      item(share(2, v.vocs_reduction, v.vocs_reduction_target), 2) +
      item(share(2, v.cod_reduction, v.cod_reduction_target), 2) +
      item(share(2, v.nh3_reduction, v.nh3_reduction_target), 2) +
      item(deduct(3, 0.5, Math.max(0, v.rural_sewage_target - v.rural_sewage_rate)), 3) +
      item(
        v.farmland_safe_rate >= v.farmland_safe_target
          ? 2
          : v.farmland_safe_rate >= v.farmland_safe_target - 3
            ? 1
            : 0,
        2,
      ) +
      item(v.site_safe_rate >= v.site_safe_target ? 2 : 0, 2) +
      item(eq, 2) +
      item(v.forest_coverage >= v.forest_coverage_target ? 2 : 0, 2) +
      item(redlineRate, 1),
  );
  const tasks = r2(
    item(Math.max(0, 7 - (v.inspection_overdue + 0.5 * v.complaints_overdue)), 7) +
      item(deduct(4, 0.5, v.air_task_shortfalls), 4) +
      item(deduct(4, 0.5, v.water_task_shortfalls), 4) +
      item(deduct(3, 0.5, v.soil_task_shortfalls), 3) +
      item(deduct(3, 0.5, v.eco_task_shortfalls), 3) +
      item(deduct(3, 1, v.safety_task_shortfalls), 3) +
      item(deduct(1, 0.5, v.governance_task_shortfalls), 1),
  );
  const funding = r2(
    item(fastRoundHalfAway(v.fund_performance_score / 20, 1), 5) + item((5 * projectRate) / 100, 5),
  );
  const satisfaction = r2(item(sat, 5));
  const base = r2(indicators + tasks + funding + satisfaction);
  const bonusSum = r2(r2(Math.max(0, 2 * awards)) + r2(Math.max(0, models)) + (demo ? 2 : 0));
  const bonus = r2(Math.min(5, bonusSum));
  const total = r2(base + bonus);
  const scoreGrade = total >= 90 ? 0 : total >= 80 ? 1 : total >= 60 ? 2 : 3;
  let grade = scoreGrade;
  const shift =
    (v.inspection_overdue > 0 ? 1 : 0) +
    (bindingMissed > 0 ? 1 : 0) +
    (v.water_bad_rate > v.water_bad_target ? 1 : 0);
  grade = Math.min(3, grade + shift);
  if (v.satisfaction < 85 || majorPetition) grade = Math.max(grade, 1);
  if (incident === 'major' || incident === 'extraordinary' || dataFraud) grade = 3;
  return { total, base, bonus, scoreGrade, grade };
}

function handWritten(data: Dataset): number {
  const entries: { total: number; gradeIndex: number }[] = [];
  for (const region of data.regions) {
    const r = hand2025(region.values);
    entries.push({ total: r.total, gradeIndex: r.grade });
  }
  return rankOf(entries).length;
}

/** What the like-for-like hand-written function reads and reports into, per region. */
interface HandCtx {
  values: Record<string, unknown>;
  region: RegionData;
  errors: RegionError[] | null;
}

function handFail(c: HandCtx, key: string, code: string): number {
  (c.errors ??= []).push({
    region: c.region.code,
    name: c.region.name,
    key,
    code,
    message: `${c.region.code}: ${key} ${code}`,
  });
  return NaN;
}

function hNum(c: HandCtx, key: string, min: number, max: number): number {
  const v = c.values[key];
  if (v === undefined || v === null) return handFail(c, key, 'missing_input');
  if (typeof v !== 'number' || !Number.isFinite(v)) return handFail(c, key, 'wrong_type');
  if (v < min || v > max) return handFail(c, key, 'out_of_range');
  return v;
}

function hInt(c: HandCtx, key: string, dflt?: number): number {
  const v = c.values[key];
  if (v === undefined || v === null) return dflt ?? handFail(c, key, 'missing_input');
  if (typeof v !== 'number' || !Number.isInteger(v)) return handFail(c, key, 'wrong_type');
  if (v < 0) return handFail(c, key, 'out_of_range');
  return v;
}

function hFlag(c: HandCtx, key: string): boolean {
  const v = c.values[key];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') handFail(c, key, 'wrong_type');
  return v === true;
}

const HAND_LABELS = new Map<string, Label>();

function hItem(id: string, max: number, raw: number): ItemResult {
  return {
    id,
    label: HAND_LABELS.get(id)!,
    points: item2(raw, max),
    maxPoints: max,
    raw,
    clamped: raw < 0 || raw > max,
  };
}

function hCategory(id: string, max: number, items: ItemResult[]): CategoryResult {
  let sum = 0;
  for (const it of items) sum += it.points ?? 0;
  return { id, label: HAND_LABELS.get(id)!, points: r2(sum), maxPoints: max, items };
}

function hBonus(id: string, raw: number): BonusItemResult {
  return { id, label: HAND_LABELS.get(id)!, points: r2(raw < 0 ? 0 : raw), raw, clamped: raw < 0 };
}

const GRADE_IDS = ['excellent', 'good', 'qualified', 'unqualified'];
const INCIDENT_LEVELS = ['none', 'general', 'larger', 'major', 'extraordinary'];

/**
 * (d) like for like: the 2025 scoring hand-written with what the pipeline does around it — every
 * input checked (presence, type, range, enum; defaults), undeclared keys warned about, and the
 * same RegionResult built (items, categories, ids of vetoes, downgrades and caps), traces off.
 */
function handWrittenFull(doc: RuleDocument): (region: RegionData) => RegionResult | RegionError[] {
  for (const c of doc.categories) {
    HAND_LABELS.set(c.id, c.label);
    for (const it of c.items) HAND_LABELS.set(it.id, it.label);
  }
  for (const b of doc.bonus?.items ?? []) HAND_LABELS.set(b.id, b.label);
  const declared = new Set(doc.inputs.map((i) => i.key));
  return function score(region) {
    const values = region.values as Record<string, unknown>;
    const c: HandCtx = { values, region, errors: null };
    const v = {
      good_days_rate: hNum(c, 'good_days_rate', 0, 100),
      good_days_target: hNum(c, 'good_days_target', 0, 100),
      pm25: hNum(c, 'pm25', 0, 500),
      pm25_target: hNum(c, 'pm25_target', 0, 500),
      pm25_prev: hNum(c, 'pm25_prev', 0, 500),
      heavy_rate: hNum(c, 'heavy_rate', 0, 100),
      heavy_rate_target: hNum(c, 'heavy_rate_target', 0, 100),
      water_good_rate: hNum(c, 'water_good_rate', 0, 100),
      water_good_target: hNum(c, 'water_good_target', 0, 100),
      water_bad_rate: hNum(c, 'water_bad_rate', 0, 100),
      water_bad_target: hNum(c, 'water_bad_target', 0, 100),
      groundwater_v_rate: hNum(c, 'groundwater_v_rate', 0, 100),
      groundwater_v_target: hNum(c, 'groundwater_v_target', 0, 100),
      drinking_water_rate: hNum(c, 'drinking_water_rate', 0, 100),
      black_odorous_rate: hNum(c, 'black_odorous_rate', 0, 100),
      black_odorous_target: hNum(c, 'black_odorous_target', 0, 100),
      co2_reduction: hNum(c, 'co2_reduction', -100, 100),
      co2_reduction_target: hNum(c, 'co2_reduction_target', -100, 100),
      energy_reduction: hNum(c, 'energy_reduction', -100, 100),
      energy_reduction_target: hNum(c, 'energy_reduction_target', -100, 100),
      nox_reduction: hNum(c, 'nox_reduction', 0, Infinity),
      nox_reduction_target: hNum(c, 'nox_reduction_target', 0, Infinity),
      vocs_reduction: hNum(c, 'vocs_reduction', 0, Infinity),
      vocs_reduction_target: hNum(c, 'vocs_reduction_target', 0, Infinity),
      cod_reduction: hNum(c, 'cod_reduction', 0, Infinity),
      cod_reduction_target: hNum(c, 'cod_reduction_target', 0, Infinity),
      nh3_reduction: hNum(c, 'nh3_reduction', 0, Infinity),
      nh3_reduction_target: hNum(c, 'nh3_reduction_target', 0, Infinity),
      rural_sewage_rate: hNum(c, 'rural_sewage_rate', 0, 100),
      rural_sewage_target: hNum(c, 'rural_sewage_target', 0, 100),
      farmland_safe_rate: hNum(c, 'farmland_safe_rate', 0, 100),
      farmland_safe_target: hNum(c, 'farmland_safe_target', 0, 100),
      site_safe_rate: hNum(c, 'site_safe_rate', 0, 100),
      site_safe_target: hNum(c, 'site_safe_target', 0, 100),
      eq_index: hNum(c, 'eq_index', 0, 100),
      eq_index_prev: hNum(c, 'eq_index_prev', 0, 100),
      forest_coverage: hNum(c, 'forest_coverage', 0, 100),
      forest_coverage_target: hNum(c, 'forest_coverage_target', 0, 100),
      redline_issues: hInt(c, 'redline_issues'),
      redline_fixed: hInt(c, 'redline_fixed'),
      inspection_overdue: hInt(c, 'inspection_overdue'),
      complaints_overdue: hInt(c, 'complaints_overdue'),
      air_task_shortfalls: hInt(c, 'air_task_shortfalls'),
      water_task_shortfalls: hInt(c, 'water_task_shortfalls'),
      soil_task_shortfalls: hInt(c, 'soil_task_shortfalls'),
      eco_task_shortfalls: hInt(c, 'eco_task_shortfalls'),
      safety_task_shortfalls: hInt(c, 'safety_task_shortfalls'),
      governance_task_shortfalls: hInt(c, 'governance_task_shortfalls'),
      fund_performance_score: hNum(c, 'fund_performance_score', 0, 100),
      projects_planned: hInt(c, 'projects_planned'),
      projects_on_schedule: hInt(c, 'projects_on_schedule'),
      satisfaction: hNum(c, 'satisfaction', 0, 100),
      incident_level: values.incident_level ?? 'none',
      data_fraud: hFlag(c, 'data_fraud'),
      binding_missed: hInt(c, 'binding_missed', 0),
      major_petition: hFlag(c, 'major_petition'),
      national_awards: hInt(c, 'national_awards', 0),
      provincial_models: hInt(c, 'provincial_models', 0),
      national_demo: hFlag(c, 'national_demo'),
    };
    if (!INCIDENT_LEVELS.includes(v.incident_level as string)) handFail(c, 'incident_level', 'not_in_enum');
    if (c.errors) return c.errors;
    const warnings: string[] = [];
    for (const key in values)
      if (!declared.has(key))
        warnings.push(`未声明的数据项 "${key}" 已忽略 / undeclared key "${key}" ignored`);

    const gds = Math.max(0, v.good_days_target - v.good_days_rate);
    const excess = Math.max(0, v.pm25 - v.pm25_target);
    const rose = v.pm25 > v.pm25_prev;
    const eqc = v.eq_index - v.eq_index_prev;
    const projectRate =
      v.projects_planned > 0 ? Math.min(100, 100 * (v.projects_on_schedule / v.projects_planned)) : 100;
    const redlineRate = v.redline_issues > 0 ? Math.min(1, v.redline_fixed / v.redline_issues) : 1;
    const categories = [
      hCategory('indicators', 60, [
        hItem('good_days', 5, deduct(5, 0.25, gds)),
        hItem('pm25', 7, rose ? 0 : deduct(7, 0.5, excess)),
        hItem(
          'heavy_pollution',
          3,
          v.heavy_rate <= v.heavy_rate_target ? 3 : deduct(3, 2, v.heavy_rate - v.heavy_rate_target),
        ),
        hItem('water_good', 5, ratio(5, v.water_good_rate, v.water_good_target)),
        hItem('water_bad', 2, v.water_bad_rate <= v.water_bad_target ? 2 : 0),
        hItem('groundwater', 1, clampTo(1 - 0.1 * (v.groundwater_v_rate - v.groundwater_v_target), 0, 1)),
        hItem('drinking_water', 5, Math.max(0, v.drinking_water_rate - 95)),
        hItem('black_odorous', 2, ratio(2, v.black_odorous_rate, v.black_odorous_target)),
        hItem('co2', 5, ratio(5, v.co2_reduction, v.co2_reduction_target)),
        hItem('energy', 5, ratio(5, v.energy_reduction, v.energy_reduction_target)),
        hItem('nox_reduction', 2, share(2, v.nox_reduction, v.nox_reduction_target)),
        hItem('vocs_reduction', 2, share(2, v.vocs_reduction, v.vocs_reduction_target)),
        hItem('cod_reduction', 2, share(2, v.cod_reduction, v.cod_reduction_target)),
        hItem('nh3_reduction', 2, share(2, v.nh3_reduction, v.nh3_reduction_target)),
        hItem('rural_sewage', 3, deduct(3, 0.5, Math.max(0, v.rural_sewage_target - v.rural_sewage_rate))),
        hItem(
          'farmland',
          2,
          v.farmland_safe_rate >= v.farmland_safe_target
            ? 2
            : v.farmland_safe_rate >= v.farmland_safe_target - 3
              ? 1
              : 0,
        ),
        hItem('contaminated_sites', 2, v.site_safe_rate >= v.site_safe_target ? 2 : 0),
        hItem('eq_index', 2, eqc <= -2 ? 0 : eqc >= -1 ? 2 : 0 + (2 * (eqc - -2)) / (-1 - -2)),
        hItem('forest', 2, v.forest_coverage >= v.forest_coverage_target ? 2 : 0),
        hItem('redline', 1, redlineRate),
      ]),
      hCategory('tasks', 25, [
        hItem('inspection', 7, Math.max(0, 7 - (v.inspection_overdue + 0.5 * v.complaints_overdue))),
        hItem('air_tasks', 4, deduct(4, 0.5, v.air_task_shortfalls)),
        hItem('water_tasks', 4, deduct(4, 0.5, v.water_task_shortfalls)),
        hItem('soil_tasks', 3, deduct(3, 0.5, v.soil_task_shortfalls)),
        hItem('eco_tasks', 3, deduct(3, 0.5, v.eco_task_shortfalls)),
        hItem('safety_tasks', 3, deduct(3, 1, v.safety_task_shortfalls)),
        hItem('governance_tasks', 1, deduct(1, 0.5, v.governance_task_shortfalls)),
      ]),
      hCategory('funding', 10, [
        hItem('fund_performance', 5, fastRoundHalfAway(v.fund_performance_score / 20, 1)),
        hItem('projects', 5, (5 * projectRate) / 100),
      ]),
      hCategory('satisfaction', 5, [
        hItem(
          'satisfaction',
          5,
          v.satisfaction <= 70 ? 0 : v.satisfaction >= 90 ? 5 : 0 + (5 * (v.satisfaction - 70)) / (90 - 70),
        ),
      ]),
    ];
    const bonusItems = [
      hBonus('national_award', 2 * v.national_awards),
      hBonus('provincial_model', v.provincial_models),
      hBonus('national_demo', v.national_demo ? 2 : 0),
    ];
    let catSum = 0;
    for (const c of categories) catSum += c.points;
    const base = r2(catSum);
    const bonusUncapped = r2(bonusItems[0].points + bonusItems[1].points + bonusItems[2].points);
    const bonus = r2(Math.min(5, bonusUncapped));
    const total = r2(base + bonus);
    const vetoes: string[] = [];
    if (v.incident_level === 'major' || v.incident_level === 'extraordinary') vetoes.push('major_incident');
    if (v.data_fraud) vetoes.push('data_fraud');
    const downgrades: string[] = [];
    if (v.inspection_overdue > 0) downgrades.push('inspection_overdue');
    if (v.binding_missed > 0) downgrades.push('binding_target_missed');
    if (v.water_bad_rate > v.water_bad_target) downgrades.push('inferior_v_water');
    const caps: string[] = [];
    if (v.satisfaction < 85) caps.push('satisfaction_low');
    if (v.major_petition) caps.push('major_petition');
    const scoreGrade = total >= 90 ? 0 : total >= 80 ? 1 : total >= 60 ? 2 : 3;
    let grade = Math.min(3, scoreGrade + downgrades.length);
    if (caps.length) grade = Math.max(grade, 1);
    if (vetoes.length) grade = 3;
    return {
      region: region.code,
      name: region.name,
      total,
      base,
      bonus,
      bonusUncapped,
      scoreGrade: GRADE_IDS[scoreGrade],
      grade: GRADE_IDS[grade],
      rank: 0,
      vetoes,
      downgrades,
      caps,
      categories,
      bonusItems,
      warnings,
    };
  };
}

const item2 = (raw: number, max: number) => r2(raw < 0 ? 0 : raw > max ? max : raw);

function handWrittenFullRun(doc: RuleDocument): (data: Dataset) => number {
  const score = handWrittenFull(doc);
  return (data) => {
    const results: RegionResult[] = [];
    const entries: { total: number; gradeIndex: number }[] = [];
    const grades = ['excellent', 'good', 'qualified', 'unqualified'];
    for (const region of data.regions) {
      const r = score(region);
      if (Array.isArray(r)) continue;
      results.push(r);
      entries.push({ total: r.total, gradeIndex: grades.indexOf(r.grade) });
    }
    const ranks = rankOf(entries);
    results.forEach((r, i) => (r.rank = ranks[i]));
    return results.length;
  };
}

/** The hand-written functions give what the engine gives: totals, grades and ranks; whole results. */
function checkHandWritten(doc: RuleDocument, data: Dataset): void {
  const ev = evaluate(doc, data, { trace: false });
  if (ev.errors.length) throw new Error(`the bench data has errors: ${ev.errors[0].message}`);
  const hand = data.regions.map((r) => hand2025(r.values));
  const ranks = rankOf(hand.map((h) => ({ total: h.total, gradeIndex: h.grade })));
  const grades = doc.grades.map((g) => g.id);
  const full = handWrittenFull(doc);
  ev.results.forEach((r, i) => {
    const h = hand[i];
    const mine = {
      total: h.total,
      base: h.base,
      bonus: h.bonus,
      scoreGrade: grades[h.scoreGrade],
      grade: grades[h.grade],
      rank: ranks[i],
    };
    const theirs = {
      total: r.total,
      base: r.base,
      bonus: r.bonus,
      scoreGrade: r.scoreGrade,
      grade: r.grade,
      rank: r.rank,
    };
    if (JSON.stringify(mine) !== JSON.stringify(theirs))
      throw new Error(
        `hand-written 2025 differs for ${r.region}: ${JSON.stringify(mine)} vs ${JSON.stringify(theirs)}`,
      );
    const whole = full(data.regions[i]) as RegionResult;
    whole.rank = r.rank;
    if (JSON.stringify(whole) !== JSON.stringify(r))
      throw new Error(
        `hand-written 2025 (full result) differs for ${r.region}:\n${JSON.stringify(whole)}\n${JSON.stringify(r)}`,
      );
  });
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
// The child process: 3,000 regions with full traces, alone

function memoryChild(regions: number, how: 'whole' | 'streamed'): void {
  const doc = readJson('rules/jilin-eco-target/2025.json') as RuleDocument;
  const sample = readJson('rules/sample-data/2025.json') as Dataset;
  const data = synthesize(doc, sample.regions, regions, 2025);
  (globalThis as { gc?: () => void }).gc?.();
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
  const ms = performance.now() - t0;
  process.stdout.write(
    JSON.stringify({
      regions,
      how,
      scored,
      ms,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      rssBefore: before.rss,
      jsonBytes,
    }),
  );
}

function runChild(regions: number, how: 'whole' | 'streamed'): Record<string, number | string> {
  const self = fileURLToPath(import.meta.url);
  const res = spawnSync(
    process.execPath,
    [...process.execArgv, '--expose-gc', self, '--memory-child', String(regions), how],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (res.status !== 0) throw new Error(`memory child failed: ${res.stderr}`);
  return JSON.parse(res.stdout);
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
  const children = [
    runChild(3000, 'whole'),
    runChild(3000, 'streamed'),
    runChild(30000, 'whole'),
    runChild(30000, 'streamed'),
  ];
  console.log('regions of the 2025 sample with full traces, serialised, alone in a fresh process');
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
  console.log(
    `  10,000 variants × 3,000 regions < 5 s:           ${bigMs.toFixed(0)} ms wall, ${bigCpuMs.toFixed(0)} ms CPU  ${ok(bigMs < 5000)}`,
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

const childAt = process.argv.indexOf('--memory-child');
if (childAt >= 0)
  memoryChild(Number(process.argv[childAt + 1]), process.argv[childAt + 2] as 'whole' | 'streamed');
else main();
