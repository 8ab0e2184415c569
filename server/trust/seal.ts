/**
 * A run's seal: what its signature covers (SPEC section 11) — the document hash, the dataset hash,
 * the results hash and the engine version. The signed message is the seal's RFC 8785 canonical JSON.
 */
import { canonicalJson } from '../../engine/index.ts';

export interface RunSeal {
  documentHash: string;
  datasetHash: string;
  resultsHash: string;
  engineVersion: string;
}

/** The text a run's seal signature signs: `{"datasetHash":…,"documentHash":…,"engineVersion":…,"resultsHash":…}`. */
export function sealMessage(seal: RunSeal): string {
  return canonicalJson({
    documentHash: seal.documentHash,
    datasetHash: seal.datasetHash,
    resultsHash: seal.resultsHash,
    engineVersion: seal.engineVersion,
  });
}

/** What a run publication's signature signs: the seal plus the publication's facts. */
export function publicationMessage(
  runId: number,
  seal: RunSeal,
  p: { docNumber: string; publishedOn: string; appealDays: number; requestedBy: string; approvedBy: string },
): string {
  return canonicalJson({
    runId,
    seal,
    docNumber: p.docNumber,
    publishedOn: p.publishedOn,
    appealDays: p.appealDays,
    requestedBy: p.requestedBy,
    approvedBy: p.approvedBy,
  });
}
