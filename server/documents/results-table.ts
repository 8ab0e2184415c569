/**
 * The score table of a run (考核得分及排名表), shared by the 通报's attachment and the 更正通报.
 */
import type { RegionError, RegionResult, RuleDocument } from '../../engine/types.ts';
import type { Block } from './model.ts';
import { gradeName, score, zh } from './words.ts';

/** The 否决项 / 降档项 / 封顶项 that applied to a region, in words (empty when none). */
export function adjustmentsOf(doc: RuleDocument, r: RegionResult): string {
  const parts: string[] = [];
  const lab = (list: { id: string; label: { zh: string } }[] | undefined, id: string) =>
    zh(list?.find((x) => x.id === id)?.label, id);
  for (const id of r.vetoes) parts.push(`否决项：${lab(doc.vetoes, id)}`);
  for (const id of r.downgrades) parts.push(`降档项：${lab(doc.downgrades, id)}`);
  for (const id of r.caps) parts.push(`封顶项：${lab(doc.caps, id)}`);
  if (r.bonusUncapped > r.bonus) parts.push(`加分项按上限计${score(doc, r.bonus)}分`);
  return parts.join('；');
}

/** The ranking table: one row per scored region, then one per region that could not be scored. */
export function resultsTable(doc: RuleDocument, results: RegionResult[], errors: RegionError[]): Block {
  return {
    kind: 'table',
    columns: [
      { title: '排名', width: 5, align: 'center' },
      { title: '地区', width: 11, align: 'center' },
      { title: '总分', width: 8, align: 'right' },
      { title: '基础分', width: 8, align: 'right' },
      { title: '加分', width: 6, align: 'right' },
      { title: '分数等级', width: 7, align: 'center' },
      { title: '考核等级', width: 7, align: 'center' },
      { title: '否决、降档和封顶情况', width: 18 },
    ],
    rows: [
      ...results.map((r) => [
        String(r.rank),
        r.name,
        score(doc, r.total),
        score(doc, r.base),
        score(doc, r.bonus),
        gradeName(doc, r.scoreGrade),
        gradeName(doc, r.grade),
        adjustmentsOf(doc, r) || '无',
      ]),
      ...errors.map((e) => ['—', e.name || e.region, '—', '—', '—', '—', '未计分', zhMessage(e.message)]),
    ],
  };
}

/** The Chinese half of a bilingual engine message (`中文 / English`). */
export function zhMessage(message: string): string {
  return message.split(' / ')[0];
}
