/**
 * Correction runs (SPEC section 10): a new run that supersedes a run, with accepted appeals applied.
 * Corrected inputs become a new revision of the year's data (source `appeal:<id>`, audited cell by
 * cell) and are applied to the superseded run's own dataset (so no other change to the year's data
 * leaks into the correction); adjusted items and lifted vetoes, downgrades and caps are applied by
 * the engine (`applyAdjustments`), together with those the superseded run carried if it was itself
 * a correction. The superseded run is untouched; the links run both ways (`supersedes` on the new
 * run, `supersededBy` read back); each appeal is applied once.
 */
import { transaction } from './dialect.ts';
import { inArray } from 'drizzle-orm';
import { applyAdjustments, evaluate } from '../../engine/index.ts';
import type { Adjustments } from '../../engine/evaluate/adjust.ts';
import type { Dataset, Waiver } from '../../engine/types.ts';
import type { Db } from './client.ts';
import { ConflictError, ValidationError } from './errors.ts';
import { applyRegionValues, type IncomingRegion } from './datasets.ts';
import { getRunDataset, getRunRow, storeRun, successorOf, type RunSummary } from './runs.ts';
import { getVersion } from './versions.ts';
import { appealDecisions, appeals, correctionAppeals } from './schema.ts';

/** What a correction run applied, stored with it (`runs.corrections`). */
export interface RunCorrections {
  supersedes: number;
  /** The appeals this correction applied (not those carried forward). */
  appeals: number[];
  /** Input values replaced in the superseded run's dataset: by region, key. */
  inputs: { region: string; key: string; before: unknown; after: unknown; appeal: number }[];
  /** Every adjustment the run's results carry (including those carried forward). */
  adjustments: Adjustments;
}

/** The corrections stored with a run, or null for a run that corrects nothing. */
export async function correctionsOf(db: Db, runId: number): Promise<RunCorrections | null> {
  const row = await getRunRow(db, runId);
  return row.corrections ? (JSON.parse(row.corrections) as RunCorrections) : null;
}

function fail(path: string, code: string, message: string, status: 'conflict' | 'invalid'): never {
  if (status === 'conflict') throw new ConflictError(message, undefined, code, [{ path, code, message }]);
  throw new ValidationError(message, [{ path, code, message }], code);
}

/**
 * Creates the correction run of run `runId` with the accepted appeals `appealIds`. Audited as
 * `run.create` (with `supersedes` and the appeals) after the data revision's `dataset.appeal`.
 */
export async function createCorrectionRun(
  db: Db,
  runId: number,
  appealIds: number[],
  actor: string,
): Promise<RunSummary> {
  return await transaction(db, async (tx) => {
    const prev = await getRunRow(tx, runId);
    if (prev.status !== 'finished')
      throw new ConflictError(
        `运行 ${runId} 尚未完成 / run ${runId} is not finished`,
        undefined,
        'not_finished',
      );
    const successor = await successorOf(tx, runId);
    if (successor !== null)
      throw new ConflictError(
        `运行 ${runId} 已有更正运行 ${successor} / run ${runId} already has correction run ${successor}`,
        undefined,
        'already_superseded',
      );
    if (new Set(appealIds).size !== appealIds.length)
      fail('/appeals', 'duplicate_appeal', '申诉编号重复 / an appeal is listed twice', 'invalid');
    const rows = await tx.select().from(appeals).where(inArray(appeals.id, appealIds)).all();
    const decisions = new Map(
      (await tx.select().from(appealDecisions).where(inArray(appealDecisions.appealId, appealIds)).all()).map(
        (d) => [d.appealId, d],
      ),
    );
    const applied = new Set(
      (
        await tx
          .select({ id: correctionAppeals.appealId })
          .from(correctionAppeals)
          .where(inArray(correctionAppeals.appealId, appealIds))
          .all()
      ).map((r) => r.id),
    );
    const version = await getVersion(tx, prev.versionId);
    const base = await getRunDataset(tx, runId);
    const carried = prev.corrections ? (JSON.parse(prev.corrections) as RunCorrections).adjustments : {};
    const adjustments: Adjustments = JSON.parse(JSON.stringify(carried)) as Adjustments;
    const inputs: RunCorrections['inputs'] = [];
    const dataset: Dataset = JSON.parse(JSON.stringify(base)) as Dataset;
    const seenCells = new Set<string>();
    appealIds.forEach((id, i) => {
      const path = `/appeals/${i}`;
      const a = rows.find((r) => r.id === id);
      if (!a) fail(path, 'not_found', `申诉 ${id} 不存在 / appeal ${id} not found`, 'invalid');
      if (a!.runId !== runId)
        fail(
          path,
          'wrong_run',
          `申诉 ${id} 针对运行 ${a!.runId}，不是运行 ${runId} / appeal ${id} is against run ${a!.runId}`,
          'invalid',
        );
      const d = decisions.get(id);
      if (!d || d.decision !== 'accepted')
        fail(
          path,
          'not_accepted',
          `申诉 ${id} 未被采纳（${d ? '已驳回' : '尚未复核'}） / appeal ${id} is not accepted (${d ? 'rejected' : 'not decided'})`,
          'conflict',
        );
      if (applied.has(id))
        fail(
          path,
          'already_applied',
          `申诉 ${id} 已在另一次更正中采用 / appeal ${id} was applied by another correction`,
          'conflict',
        );
      const cell = `${a!.regionCode}\u0000${a!.targetKind}\u0000${a!.targetId}`;
      if (seenCells.has(cell))
        fail(
          path,
          'conflicting_appeals',
          `申诉 ${id} 与另一申诉针对同一对象 / appeal ${id} targets the same thing as another listed appeal`,
          'invalid',
        );
      seenCells.add(cell);
      const region = a!.regionCode;
      if (a!.targetKind === 'input') {
        const r = dataset.regions.find((x) => x.code === region);
        if (!r)
          fail(
            path,
            'not_scored',
            `地区 ${region} 不在运行数据中 / region ${region} is not in the run's data`,
            'invalid',
          );
        const after = JSON.parse(d!.value!) as unknown;
        inputs.push({
          region,
          key: a!.targetId,
          before: r!.values[a!.targetId] ?? null,
          after,
          appeal: id,
        });
        (r!.values as Record<string, unknown>)[a!.targetId] = after;
      } else if (a!.targetKind === 'item') {
        const adj = (adjustments[region] ??= {});
        (adj.items ??= {})[a!.targetId] = { points: d!.points!, appeal: id, reason: d!.reason };
      } else {
        const adj = (adjustments[region] ??= {});
        const waivers = (adj.waivers ??= []).filter(
          (w) => !(w.kind === a!.targetKind && w.id === a!.targetId),
        );
        waivers.push({
          kind: a!.targetKind as Waiver['kind'],
          id: a!.targetId,
          appeal: id,
          reason: d!.reason,
        });
        adj.waivers = waivers;
      }
    });

    // The corrected inputs as a new revision of the year's data, one source per appeal.
    if (inputs.length) {
      const byRegion = new Map<string, IncomingRegion>();
      inputs.forEach((c, i) => {
        let r = byRegion.get(c.region);
        if (!r) byRegion.set(c.region, (r = { code: c.region, path: `/appeals/${i}`, values: [] }));
        r.values.push({
          key: c.key,
          value: c.after,
          path: `/appeals/${i}/value`,
          source: `appeal:${c.appeal}`,
        });
      });
      await applyRegionValues(db, {
        year: prev.year,
        document: version.document,
        regions: [...byRegion.values()],
        requireComplete: false,
        source: 'manual',
        actor,
        action: 'dataset.appeal',
        detail: { run: runId, appeals: inputs.map((c) => c.appeal) },
      });
    }

    const evaluation = evaluate(version.document, dataset, { trace: true });
    const results = applyAdjustments(version.document, evaluation.results, adjustments);
    const corrections: RunCorrections = { supersedes: runId, appeals: appealIds, inputs, adjustments };
    const summary = await storeRun(tx, db, {
      version,
      year: prev.year,
      dataset,
      evaluation: { ...evaluation, results },
      actor,
      supersedes: runId,
      corrections,
      detail: { supersedes: runId, appeals: appealIds },
    });
    for (const id of appealIds)
      await tx.insert(correctionAppeals).values({ appealId: id, runId: summary.id }).run();
    return { ...summary, supersedes: runId };
  });
}
