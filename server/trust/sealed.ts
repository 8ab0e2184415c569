/**
 * The sealed run (`GET /api/runs/:id/sealed`): one JSON file with everything needed to re-check a
 * run offline — the rule document, the dataset, the results (with traces) and errors as stored, their
 * hashes, the seal and its Ed25519 signature, and the publication with its signature when published.
 * `verifySealedRun` recomputes every hash, checks the signatures and re-evaluates the document on the
 * dataset, requiring results byte-identical to the file's.
 *
 * @example
 * const problems = verifySealedRun(JSON.parse(text), { publicKey }); // [] when it holds
 */
import {
  applyAdjustments,
  contentHash,
  datasetHash,
  ENGINE_VERSION,
  evaluate,
  type Adjustments,
} from '../../engine/index.ts';
import type { Dataset, RegionError, RegionResult, RuleDocument } from '../../engine/types.ts';
import type { Tx } from '../db/audit.ts';
import { getRunDataset, getRunResultTexts, getRunRow, orderEvaluation } from '../db/runs.ts';
import { type RunPublication } from '../db/run-publication.ts';
import { publicationOf } from '../db/runs.ts';
import { runPublications, signingKeys } from '../db/schema.ts';
import { getVersion } from '../db/versions.ts';
import { eq } from 'drizzle-orm';
import { resultsHashOf, sealOf } from './integrity.ts';
import { verifySignature } from './keys.ts';
import { publicationMessage, sealMessage, type RunSeal } from './seal.ts';

export const SEALED_FORMAT = 'ecoscore-sealed-run/1';

export interface SealedRun {
  format: typeof SEALED_FORMAT;
  run: {
    id: number;
    versionId: number;
    family: string;
    year: number;
    version: number;
    createdBy: string;
    createdAt: string;
  };
  document: RuleDocument;
  dataset: Dataset;
  results: RegionResult[];
  errors: RegionError[];
  hashes: { document: string; dataset: string; results: string };
  seal: RunSeal;
  signature: { algorithm: 'Ed25519'; keyId: string | null; publicKey: string | null; value: string | null };
  publication: RunPublication | null;
  /** A correction run (SPEC section 10): the run it supersedes and the adjustments its results carry. */
  corrections?: { supersedes: number; appeals: number[]; adjustments: Adjustments };
}

export interface SealProblem {
  table: string;
  id: string;
  code: string;
  message: string;
}

/** Builds the sealed file of a finished run (integrity-checked: a tampered run is never sealed). */
export async function buildSealedRun(db: Tx, id: number): Promise<SealedRun> {
  const row = await getRunRow(db, id);
  const version = await getVersion(db, row.versionId);
  const texts = await getRunResultTexts(db, id);
  const dataset = await getRunDataset(db, id);
  const key = row.keyId
    ? await db.select().from(signingKeys).where(eq(signingKeys.keyId, row.keyId)).get()
    : undefined;
  const pub = await db.select().from(runPublications).where(eq(runPublications.runId, id)).get();
  const seal = sealOf(row);
  return {
    format: SEALED_FORMAT,
    run: {
      id: row.id,
      versionId: row.versionId,
      family: version.family,
      year: row.year,
      version: version.version,
      createdBy: row.createdBy,
      createdAt: row.createdAt,
    },
    document: version.document,
    dataset,
    results: texts.results.map((t) => JSON.parse(t) as RegionResult),
    errors: texts.errors.map((t) => JSON.parse(t) as RegionError),
    hashes: { document: seal.documentHash, dataset: seal.datasetHash, results: seal.resultsHash },
    seal,
    signature: {
      algorithm: 'Ed25519',
      keyId: row.keyId,
      publicKey: key?.publicKey ?? null,
      value: row.signature,
    },
    publication: pub && pub.status === 'published' ? publicationOf(pub) : null,
    ...(row.corrections
      ? (() => {
          const c = JSON.parse(row.corrections) as {
            supersedes: number;
            appeals: number[];
            adjustments: Adjustments;
          };
          return {
            corrections: { supersedes: c.supersedes, appeals: c.appeals, adjustments: c.adjustments },
          };
        })()
      : {}),
  };
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/**
 * Every reason the sealed file does not hold (empty when it does). `publicKey` is the trusted key
 * (from `--key`); without it the key inside the file is used, which proves consistency only.
 */
export function verifySealedRun(file: SealedRun, opts: { publicKey?: string } = {}): SealProblem[] {
  const id = String(file?.run?.id ?? '?');
  const out: SealProblem[] = [];
  const add = (table: string, code: string, message: string) => out.push({ table, id, code, message });
  if (!file || file.format !== SEALED_FORMAT || !file.seal || !file.document || !file.dataset)
    return [
      {
        table: 'file',
        id,
        code: 'not_sealed_run',
        message: `不是封存文件(需要 format "${SEALED_FORMAT}") / not a sealed run file (format "${SEALED_FORMAT}")`,
      },
    ];
  const seal = file.seal;
  const documentHash = safe(() => contentHash(file.document));
  if (documentHash !== seal.documentHash || file.hashes?.document !== seal.documentHash)
    add(
      'document',
      'document_hash_mismatch',
      '规则文档与封存的文档哈希不符 / the document does not match the sealed document hash',
    );
  const dsHash = safe(() => datasetHash(file.dataset));
  if (dsHash !== seal.datasetHash || file.hashes?.dataset !== seal.datasetHash)
    add(
      'dataset',
      'dataset_hash_mismatch',
      '数据与封存的数据哈希不符 / the dataset does not match the sealed dataset hash',
    );
  const texts = {
    results: (file.results ?? []).map((r) => JSON.stringify(r)),
    errors: (file.errors ?? []).map((e) => JSON.stringify(e)),
  };
  const resHash = safe(() => resultsHashOf(texts));
  if (resHash !== seal.resultsHash || file.hashes?.results !== seal.resultsHash)
    add(
      'results',
      'results_hash_mismatch',
      '结果与封存的结果哈希不符 / the results do not match the sealed results hash',
    );
  const key = opts.publicKey ?? file.signature?.publicKey ?? '';
  if (opts.publicKey && file.signature?.publicKey && file.signature.publicKey !== opts.publicKey)
    add(
      'signature',
      'unknown_key',
      '文件由另一把密钥签名 / the file was signed by another key than the one given',
    );
  if (!verifySignature(key, sealMessage(seal), file.signature?.value ?? null))
    add('signature', 'bad_signature', '封存签名缺失或无效 / the seal signature is missing or invalid');
  const p = file.publication;
  if (
    p &&
    !verifySignature(
      key,
      publicationMessage(file.run.id, seal, { ...p, approvedBy: p.approvedBy ?? '' }),
      p.signature,
    )
  )
    add('publication', 'bad_signature', '发布签名无效 / the publication signature is invalid');
  if (p && p.fourEyes && p.approvedBy === p.requestedBy)
    add(
      'publication',
      'same_person',
      '发布的批准人与申请人相同 / the publication was approved by its requester',
    );
  // Re-evaluate: the results must be byte-identical to the file's.
  if (seal.engineVersion !== ENGINE_VERSION)
    add(
      'results',
      'engine_version',
      `封存使用引擎 ${seal.engineVersion},当前为 ${ENGINE_VERSION} / sealed with engine ${seal.engineVersion}, this is ${ENGINE_VERSION}`,
    );
  let evaluation: ReturnType<typeof evaluate> | undefined;
  try {
    evaluation = evaluate(file.document, file.dataset, { trace: true });
    // A correction run's results carry the adjustments of accepted appeals.
    if (file.corrections)
      evaluation = {
        ...evaluation,
        results: applyAdjustments(file.document, evaluation.results, file.corrections.adjustments),
      };
  } catch (e) {
    add(
      'results',
      'not_evaluable',
      `文档无法评估 / the document cannot be evaluated: ${(e as Error).message}`,
    );
  }
  if (evaluation) {
    const again = orderEvaluation(evaluation);
    const a = [
      ...again.results.map((r) => JSON.stringify(r)),
      '\u0000',
      ...again.errors.map((e) => JSON.stringify(e)),
    ];
    const b = [...texts.results, '\u0000', ...texts.errors];
    const at = a.findIndex((t, i) => t !== b[i]);
    if (at >= 0 || a.length !== b.length) {
      const region = file.results?.[at]?.region ?? file.errors?.[at - texts.results.length - 1]?.region;
      add(
        'results',
        'results_differ',
        `重新计算的结果与文件不一致(第 ${at + 1} 条${region ? `,地区 ${region}` : ''}) / re-evaluating gives different results (entry ${at + 1}${region ? `, region ${region}` : ''})`,
      );
    }
  }
  return out;
}
