/**
 * First-start seed: on an empty database, the regions (`rules/regions.csv`), the sample rule
 * families (`rules/<family>/<year>.json`: every year published except the latest, which stays a
 * draft) and the sample data (`rules/sample-data/<year>.json`, source `national` for inputs whose
 * `source` is national, `provincial` otherwise; the first year's `previous` values, which no sample
 * file of the year before holds, stored as its `prev.KEY` values), so a new user sees a working
 * system at once.
 * Each part is seeded only when its table is empty, all in one transaction, by the user `system`.
 *
 * Users are the auth module's: pass `createUsers` to create the first admin when there is no user.
 *
 * @example
 * await seedIfEmpty(db, { createUsers: (db) => createUser(db, { … passwordHash: hash(pw) }, 'system') })
 */
import { transaction } from './db/dialect.ts';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Input, RuleDocument } from '../engine/types.ts';
import { projectPath } from './runtime.ts';
import type { Db } from './db/client.ts';
import { applyRegionValues, type IncomingRegion } from './db/datasets.ts';
import { StoreError } from './db/errors.ts';
import { listRegions, loadRegions, parseRegionsCsv } from './db/regions.ts';
import { datasetValues, regions, ruleVersions, users } from './db/schema.ts';
import { createDraft, getVersion, listVersions } from './db/versions.ts';
import { approveVersion, requestPublication } from './db/version-publication.ts';

export const RULES_DIR = projectPath('rules');
export const SEED_ACTOR = 'system';
/**
 * The sample versions are published with four eyes like any other: requested by `system`, approved
 * by `seed` (two seed identities nobody signs in as), with a sample 文号 `样例〔YEAR〕1号` and
 * 1 January of their year as the effective date.
 */
export const SEED_APPROVER = 'seed';

export interface SeedOptions {
  /** Where the sample files are (default: the project's `rules/`). */
  rulesDir?: string;
  /** Called when the users table is empty (after the rest of the seed), e.g. to create the first admin. */
  createUsers?: (db: Db) => void | Promise<void>;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface SeedReport {
  regions: number;
  versions: { id: number; family: string; year: number; status: string }[];
  datasets: { year: number; values: number }[];
  usersCreated: boolean;
  /** Sample files that could not be loaded, with why (the rest is still seeded). */
  problems: string[];
}

const SKIP_DIRS = new Set(['schema', 'sample-data']);

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
}

function describe(e: unknown): string {
  if (e instanceof StoreError)
    return `${e.message}: ${e.errors
      .slice(0, 5)
      .map((p) => `${p.path} ${p.code} ${p.message}`)
      .join('; ')}${e.errors.length > 5 ? ` … (+${e.errors.length - 5})` : ''}`;
  return e instanceof Error ? e.message : String(e);
}

/** Sample rule files: `{ family: [{ year, path }] }`, years ascending. */
function ruleFiles(dir: string): Map<string, { year: number; path: string }[]> {
  const out = new Map<string, { year: number; path: string }[]>();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const sub = join(dir, name);
    if (SKIP_DIRS.has(name) || !statSync(sub).isDirectory() || !/^[a-z0-9-]+$/.test(name)) continue;
    const files = readdirSync(sub)
      .filter((f) => /^\d{4}\.json$/.test(f))
      .map((f) => ({ year: Number(f.slice(0, 4)), path: join(sub, f) }))
      .sort((a, b) => a.year - b.year);
    if (files.length) out.set(name, files);
  }
  return out;
}

async function seedRegions(db: Db, dir: string, report: SeedReport): Promise<void> {
  if (await db.select({ code: regions.code }).from(regions).limit(1).get()) return;
  const file = join(dir, 'regions.csv');
  if (!existsSync(file)) {
    report.problems.push(`${file}: 文件不存在 / missing`);
    return;
  }
  const list = parseRegionsCsv(readFileSync(file, 'utf8'));
  report.regions = (await loadRegions(db, list, SEED_ACTOR)).length;
}

async function seedRules(db: Db, dir: string, report: SeedReport): Promise<void> {
  if (await db.select({ id: ruleVersions.id }).from(ruleVersions).limit(1).get()) return;
  for (const [family, files] of ruleFiles(dir)) {
    const latest = files[files.length - 1].year;
    // Each year's sample is written from the year before: its parent, so the editor compares them.
    let parentId: number | undefined;
    for (const { year, path } of files) {
      let doc: unknown;
      try {
        doc = readJson(path);
      } catch (e) {
        report.problems.push(`${path}: ${describe(e)}`);
        continue;
      }
      try {
        const draft = await createDraft(db, { document: doc, family, year, parentId }, SEED_ACTOR);
        parentId = draft.id;
        let status = draft.status as string;
        if (year < latest) {
          try {
            await requestPublication(db, draft.id, { expectedRevision: draft.revision }, SEED_ACTOR);
            status = (
              await approveVersion(
                db,
                draft.id,
                { docNumber: `样例〔${year}〕1号`, effectiveDate: `${year}-01-01` },
                SEED_APPROVER,
              )
            ).status;
          } catch (e) {
            report.problems.push(
              `${path}: 未能发布，保留为草稿 / not published, kept as a draft: ${describe(e)}`,
            );
          }
        }
        report.versions.push({ id: draft.id, family, year, status });
      } catch (e) {
        report.problems.push(`${path}: ${describe(e)}`);
      }
    }
  }
}

/** The document whose inputs check a year's sample data: that year's version (published first), else the nearest earlier year's. */
async function documentFor(db: Db, year: number): Promise<RuleDocument | null> {
  const rank = (status: string) => (status === 'published' ? 0 : status === 'draft' ? 1 : 2);
  const best = (await listVersions(db))
    .filter((v) => v.year <= year)
    .sort((a, b) => b.year - a.year || rank(a.status) - rank(b.status) || b.version - a.version)[0];
  return best ? (await getVersion(db, best.id)).document : null;
}

async function seedData(db: Db, dir: string, report: SeedReport): Promise<void> {
  if (await db.select({ id: datasetValues.id }).from(datasetValues).limit(1).get()) return;
  const dataDir = join(dir, 'sample-data');
  if (!existsSync(dataDir)) return;
  const known = new Set((await listRegions(db)).map((r) => r.code));
  for (const f of readdirSync(dataDir)
    .filter((f) => /^\d{4}\.json$/.test(f))
    .sort()) {
    const year = Number(f.slice(0, 4));
    const path = join(dataDir, f);
    try {
      const data = readJson(path) as {
        regions?: { code: string; values: Record<string, unknown>; previous?: Record<string, unknown> }[];
      };
      const doc = await documentFor(db, year);
      const inputs = new Map<string, Input>((doc?.inputs ?? []).map((i) => [i.key, i]));
      const firstYear = !existsSync(join(dataDir, `${year - 1}.json`));
      const incoming: IncomingRegion[] = (data.regions ?? [])
        .filter((r) => known.has(r.code))
        .map((r, i) => ({
          code: r.code,
          path: `/regions/${i}`,
          values: [
            ...Object.entries(r.values ?? {}).map(([key, value]) => ({ key, value, at: 'values' })),
            // Last year's values (SPEC section 9) are stored as `prev.KEY` only where no sample file
            // holds that year (2021 carries 2020's); later years read them from the year before.
            ...(firstYear ? Object.entries(r.previous ?? {}) : []).map(([key, value]) => ({
              key,
              value,
              at: 'previous',
            })),
          ]
            .filter(({ value }) => value !== null && value !== undefined)
            .map(({ key, value, at }) => ({
              key: at === 'previous' ? `prev.${key}` : key,
              value,
              path: `/regions/${i}/${at}/${key}`,
              source:
                inputs.get(key)?.source === 'national' ? ('national' as const) : ('provincial' as const),
            })),
        }));
      const res = await applyRegionValues(db, {
        year,
        document: doc,
        regions: incoming,
        requireComplete: false,
        source: 'provincial',
        actor: SEED_ACTOR,
        action: 'dataset.seed',
        detail: { file: `rules/sample-data/${f}` },
      });
      report.datasets.push({ year, values: res.values });
    } catch (e) {
      report.problems.push(`${path}: ${describe(e)}`);
    }
  }
}

/**
 * Seeds what is empty: regions, sample rule families, sample data, then (via `createUsers`) users.
 * Safe to call on every start: a part that already has rows is left alone.
 */
export async function seedIfEmpty(db: Db, opts: SeedOptions = {}): Promise<SeedReport> {
  const dir = opts.rulesDir ?? RULES_DIR;
  const report: SeedReport = { regions: 0, versions: [], datasets: [], usersCreated: false, problems: [] };
  // One transaction for the whole seed (the repository transactions nest as savepoints).
  await transaction(db, async () => {
    await seedRegions(db, dir, report);
    await seedRules(db, dir, report);
    await seedData(db, dir, report);
  });
  if (opts.createUsers && !(await db.select({ id: users.id }).from(users).limit(1).get())) {
    await opts.createUsers(db);
    report.usersCreated = true;
  }
  if (opts.log) {
    if (report.regions) opts.log(`seed: ${report.regions} regions`);
    for (const v of report.versions) opts.log(`seed: ${v.family} ${v.year} → version ${v.id} (${v.status})`);
    for (const d of report.datasets) opts.log(`seed: data ${d.year}: ${d.values} values`);
    for (const p of report.problems) opts.log(`seed problem: ${p}`);
  }
  return report;
}
