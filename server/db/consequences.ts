/**
 * Consequences of a run's results (the plan's 约谈 / 通报批评 / 区域限批): from the results, the regions
 * that are 不合格 (the document's lowest grade), had any veto, were dropped a grade by a downgrade, or
 * did worse than the year before. Which criteria put a region on which list is configured per rule
 * family (a settings row `consequences:<family>`, defaults below). A run's lists can be recorded
 * with it once (append-only, audited), and then read back as recorded.
 */
import { transaction } from './dialect.ts';
import { and, desc, eq } from 'drizzle-orm';
import type { RegionResult } from '../../engine/types.ts';
import { appendAudit, nowIso, type Tx } from './audit.ts';
import type { Db } from './client.ts';
import { ConflictError, ValidationError } from './errors.ts';
import { getRun, type RunDetail } from './runs.ts';
import { getVersion } from './versions.ts';
import { ruleVersions, runConsequences, runPublications, runResults, runs, settings } from './schema.ts';

export const CONSEQUENCE_KINDS = ['interview', 'criticism', 'restriction'] as const;
export type ConsequenceKind = (typeof CONSEQUENCE_KINDS)[number];
export const CRITERIA = ['failed', 'vetoed', 'downgraded', 'worse'] as const;
export type Criterion = (typeof CRITERIA)[number];

export const KIND_LABELS: Record<ConsequenceKind, { zh: string; en: string }> = {
  interview: { zh: '约谈', en: 'Interview' },
  criticism: { zh: '通报批评', en: 'Public criticism' },
  restriction: { zh: '区域限批', en: 'Regional approval restriction' },
};

export interface ConsequenceConfig {
  lists: { kind: ConsequenceKind; criteria: Criterion[] }[];
}

export const DEFAULT_CONSEQUENCES: ConsequenceConfig = {
  lists: [
    { kind: 'interview', criteria: ['failed', 'vetoed', 'downgraded', 'worse'] },
    { kind: 'criticism', criteria: ['failed', 'vetoed'] },
    { kind: 'restriction', criteria: ['failed', 'vetoed'] },
  ],
};

export interface FamilyConsequences extends ConsequenceConfig {
  family: string;
  updatedBy: string | null;
  updatedAt: string | null;
}

export interface ConsequenceRegion {
  region: string;
  name: string;
  grade: string;
  gradeLabel: string;
  reasons: { criterion: Criterion; message: string }[];
}

export interface RunConsequences {
  runId: number;
  recorded: { by: string; at: string; auditHash: string | null } | null;
  config: ConsequenceConfig;
  lists: { kind: ConsequenceKind; label: { zh: string; en: string }; regions: ConsequenceRegion[] }[];
}

const key = (family: string) => `consequences:${family}`;

/** The family's configuration (the defaults when never set). */
export async function getFamilyConsequences(db: Tx, family: string): Promise<FamilyConsequences> {
  const row = await db
    .select()
    .from(settings)
    .where(eq(settings.key, key(family)))
    .get();
  if (!row) return { family, ...DEFAULT_CONSEQUENCES, updatedBy: null, updatedAt: null };
  return {
    family,
    ...(JSON.parse(row.value) as ConsequenceConfig),
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt,
  };
}

/** Replaces the family's configuration (each kind at most once). Audited as `consequences.configure`. */
export async function saveFamilyConsequences(
  db: Db,
  family: string,
  config: ConsequenceConfig,
  actor: string,
): Promise<FamilyConsequences> {
  const seen = new Set<string>();
  config.lists.forEach((l, i) => {
    if (seen.has(l.kind))
      throw new ValidationError(`名单 ${l.kind} 重复 / list ${l.kind} given twice`, [
        {
          path: `/lists/${i}/kind`,
          code: 'duplicate_kind',
          message: `名单 ${l.kind} 重复 / list ${l.kind} given twice`,
        },
      ]);
    seen.add(l.kind);
  });
  const clean: ConsequenceConfig = {
    lists: config.lists.map((l) => ({ kind: l.kind, criteria: [...new Set(l.criteria)] })),
  };
  return await transaction(db, async (tx) => {
    const at = nowIso();
    const value = JSON.stringify(clean);
    await tx
      .insert(settings)
      .values({ key: key(family), value, updatedBy: actor, updatedAt: at })
      .onConflictDoUpdate({ target: settings.key, set: { value, updatedBy: actor, updatedAt: at } })
      .run();
    await appendAudit(tx, {
      user: actor,
      action: 'consequences.configure',
      entity: 'family',
      entityId: family,
      detail: { ...clean },
      at,
    });
    return await getFamilyConsequences(tx, family);
  });
}

/** Each region's grade in the family's run for the year before: the published one, else the latest. */
async function previousGrades(db: Tx, family: string, year: number): Promise<Map<string, string>> {
  const published = await db
    .select({ id: runPublications.runId })
    .from(runPublications)
    .where(
      and(
        eq(runPublications.family, family),
        eq(runPublications.year, year - 1),
        eq(runPublications.status, 'published'),
      ),
    )
    .get();
  const latest =
    published ??
    (await db
      .select({ id: runs.id })
      .from(runs)
      .innerJoin(ruleVersions, eq(ruleVersions.id, runs.versionId))
      .where(and(eq(ruleVersions.family, family), eq(runs.year, year - 1), eq(runs.status, 'finished')))
      .orderBy(desc(runs.createdAt), desc(runs.id))
      .get());
  if (!latest) return new Map();
  return new Map(
    (
      await db
        .select({ region: runResults.regionCode, grade: runResults.grade })
        .from(runResults)
        .where(eq(runResults.runId, latest.id))
        .all()
    ).map((r) => [r.region, r.grade]),
  );
}

/** The lists computed from a run's results under a configuration. */
export async function computeConsequences(
  db: Tx,
  run: RunDetail,
  config: ConsequenceConfig,
): Promise<RunConsequences['lists']> {
  const doc = (await getVersion(db, run.versionId)).document;
  const idx = new Map(doc.grades.map((g, i) => [g.id, i]));
  const label = new Map(doc.grades.map((g) => [g.id, g.label.zh]));
  const last = doc.grades[doc.grades.length - 1].id;
  const prev = await previousGrades(db, run.family, run.year);
  const reasonsOf = (r: RegionResult): Map<Criterion, string> => {
    const out = new Map<Criterion, string>();
    if (r.grade === last) out.set('failed', `考核等级为${label.get(last)} / graded ${last}`);
    if (r.vetoes.length) out.set('vetoed', `触发否决项 ${r.vetoes.join('、')} / veto ${r.vetoes.join(', ')}`);
    if (r.downgrades.length && (idx.get(r.grade) ?? 0) > (idx.get(r.scoreGrade) ?? 0))
      out.set(
        'downgraded',
        `因降档项 ${r.downgrades.join('、')} 由${label.get(r.scoreGrade)}降为${label.get(r.grade)} / downgraded from ${r.scoreGrade} to ${r.grade}`,
      );
    const before = prev.get(r.region);
    if (before !== undefined && idx.has(before) && (idx.get(r.grade) ?? 0) > idx.get(before)!)
      out.set('worse', `较上年（${label.get(before)}）下降 / worse than last year (${before})`);
    return out;
  };
  const reasons = run.results.map((r) => ({ r, why: reasonsOf(r) }));
  return config.lists.map((l) => ({
    kind: l.kind,
    label: KIND_LABELS[l.kind],
    regions: reasons
      .filter(({ why }) => l.criteria.some((c) => why.has(c)))
      .map(({ r, why }) => ({
        region: r.region,
        name: r.name,
        grade: r.grade,
        gradeLabel: label.get(r.grade) ?? r.grade,
        reasons: l.criteria.filter((c) => why.has(c)).map((c) => ({ criterion: c, message: why.get(c)! })),
      })),
  }));
}

/** The run's consequences: as recorded, or computed now from the family's configuration. */
export async function getRunConsequences(db: Tx, runId: number): Promise<RunConsequences> {
  const run = await getRun(db, runId);
  const row = await db.select().from(runConsequences).where(eq(runConsequences.runId, runId)).get();
  if (row)
    return {
      runId,
      recorded: { by: row.recordedBy, at: row.recordedAt, auditHash: row.auditHash },
      config: JSON.parse(row.config) as ConsequenceConfig,
      lists: JSON.parse(row.lists) as RunConsequences['lists'],
    };
  const { lists: cfg } = await getFamilyConsequences(db, run.family);
  const config = { lists: cfg };
  return { runId, recorded: null, config, lists: await computeConsequences(db, run, config) };
}

/** Records the run's consequences (once; append-only). Audited as `run.consequences`. */
export async function recordRunConsequences(db: Db, runId: number, actor: string): Promise<RunConsequences> {
  return await transaction(db, async (tx) => {
    const current = await getRunConsequences(tx, runId);
    if (current.recorded)
      throw new ConflictError(
        `运行 ${runId} 的处理名单已记录 / the consequences of run ${runId} are already recorded`,
        current,
        'already_recorded',
      );
    const at = nowIso();
    const entry = await appendAudit(tx, {
      user: actor,
      action: 'run.consequences',
      entity: 'run',
      entityId: runId,
      detail: {
        config: current.config,
        lists: current.lists.map((l) => ({ kind: l.kind, regions: l.regions.map((r) => r.region) })),
      },
      at,
    });
    await tx
      .insert(runConsequences)
      .values({
        runId,
        config: JSON.stringify(current.config),
        lists: JSON.stringify(current.lists),
        recordedBy: actor,
        recordedAt: at,
        auditHash: entry.hash,
      })
      .run();
    return await getRunConsequences(tx, runId);
  });
}

/** The rows of the export: 名单, 地区代码, 地区, 等级, 原因. */
export function consequenceRows(c: RunConsequences): (string | number)[][] {
  const rows: (string | number)[][] = [
    ['名单 / list', '地区代码 / code', '地区 / region', '等级 / grade', '原因 / reasons'],
  ];
  for (const l of c.lists)
    for (const r of l.regions)
      rows.push([l.label.zh, r.region, r.name, r.gradeLabel, r.reasons.map((x) => x.message).join('；')]);
  return rows;
}
