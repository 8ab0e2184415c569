/**
 * 更正通报: the results of a correction run (one that supersedes another after appeals) compared
 * with the run it corrects — every region whose total, grade or rank changed — with the corrected
 * score table as 附件.
 */
import type { RegionResult } from '../../engine/types.ts';
import { chineseDate, cnNumber, type Block, type OfficialDocument } from './model.ts';
import type { RunSource } from './source.ts';
import { resultsCircular } from './notice.ts';
import { SYSTEM, gradeName, score } from './words.ts';

/** One region whose result differs between the original and the corrected run. */
export interface CorrectionRow {
  region: string;
  name: string;
  before: RegionResult | null;
  after: RegionResult | null;
}

/** The regions whose total, grade or rank changed (or that were scored in only one of the runs). */
export function compareRuns(original: RegionResult[], corrected: RegionResult[]): CorrectionRow[] {
  const before = new Map(original.map((r) => [r.region, r]));
  const after = new Map(corrected.map((r) => [r.region, r]));
  const codes = [...new Set([...corrected.map((r) => r.region), ...original.map((r) => r.region)])];
  const out: CorrectionRow[] = [];
  for (const code of codes) {
    const b = before.get(code) ?? null;
    const a = after.get(code) ?? null;
    if (b && a && b.total === a.total && b.grade === a.grade && b.rank === a.rank) continue;
    out.push({ region: code, name: (a ?? b)!.name, before: b, after: a });
  }
  return out;
}

export function buildCorrection(
  src: RunSource,
  original: RunSource,
  opts: { public?: boolean } = {},
): OfficialDocument {
  const { run, version, settings } = src;
  const doc = version.document;
  const oldDoc = original.version.document;
  const rows = compareRuns(original.run.results, run.results);
  const originalTitle = `《${original.settings.issuer}关于${original.run.year}年度${SYSTEM}考核结果的通报》`;
  const originalNo = original.publication.docNumber?.trim() || '原通报尚未登记文号';
  const originalDate = original.publication.publishedOn
    ? `${chineseDate(original.publication.publishedOn)}印发的`
    : '';

  const body: Block[] = [
    {
      kind: 'paragraph',
      text:
        `${originalDate}${originalTitle}（${originalNo}）公布了${run.year}年度${SYSTEM}考核结果。` +
        `根据各地申诉和复核情况，经省政府同意，现对有关地区的考核结果予以更正。`,
    },
  ];
  let h = 0;
  body.push({ kind: 'heading', level: 1, text: `${cnNumber(++h)}、更正情况` });
  if (rows.length) {
    body.push({
      kind: 'table',
      columns: [
        { title: '地区', width: 10, align: 'center' },
        { title: '原总分', width: 7, align: 'right' },
        { title: '更正后总分', width: 8, align: 'right' },
        { title: '原考核等级', width: 7, align: 'center' },
        { title: '更正后考核等级', width: 8, align: 'center' },
        { title: '原排名', width: 5, align: 'center' },
        { title: '更正后排名', width: 6, align: 'center' },
      ],
      rows: rows.map((r) => [
        r.name,
        r.before ? score(oldDoc, r.before.total) : '未计分',
        r.after ? score(doc, r.after.total) : '未计分',
        r.before ? gradeName(oldDoc, r.before.grade) : '—',
        r.after ? gradeName(doc, r.after.grade) : '—',
        r.before ? String(r.before.rank) : '—',
        r.after ? String(r.after.rank) : '—',
      ]),
    });
    body.push({
      kind: 'paragraph',
      text: `以上${rows.length}个地区的考核结果以本通报为准，其余地区考核结果不变。`,
    });
  } else {
    body.push({ kind: 'paragraph', text: '经复核，各地区考核得分、等级和排名均无变化，原通报结果不变。' });
  }
  body.push({ kind: 'heading', level: 1, text: `${cnNumber(++h)}、有关要求` });
  body.push({
    kind: 'paragraph',
    text: '考核结果与生态环境保护专项资金安排挂钩的，按更正后的结果执行。',
  });
  return resultsCircular(src, opts, {
    kind: 'correction',
    title: `${settings.issuer}关于更正${run.year}年度${SYSTEM}考核结果的通报`,
    body,
    attachmentTitle: `${run.year}年度${SYSTEM}考核得分及排名表（更正后）`,
    fileNameZh: `${run.year}年度考核结果更正通报`,
  });
}
