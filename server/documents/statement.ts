/**
 * 扣分说明: for one region of a run, every item that lost points and why (from its trace), the
 * 加分项 it earned, and how its grade came about (否决项, 降档项, 封顶项).
 */
import type { RegionResult } from '../../engine/types.ts';
import type { PreviousResult } from '../db/runs.ts';
import { explainItem, explainValues, fmtScore, gradePath } from '../../engine/explain/trace.ts';
import { chineseDate, cnNumber, docNumberLine, type Block, type OfficialDocument } from './model.ts';
import type { RunSource } from './source.ts';
import { provenance, runDate } from './notice.ts';
import { SYSTEM, governmentOf, gradeName, score, zh, zhPunct } from './words.ts';

export function buildStatement(
  src: RunSource,
  region: RegionResult & { previous: PreviousResult | null },
  opts: { public?: boolean } = {},
): OfficialDocument {
  const { run, version, settings } = src;
  const doc = version.document;
  const p = doc.precision ?? 2;
  const date = chineseDate(runDate(src));
  const no = docNumberLine(
    src.publication.docNumber,
    settings.abbreviation,
    Number(runDate(src).slice(0, 4)),
  );
  const ctx = { doc, values: explainValues(region), lang: 'zh' as const };

  const rows: string[][] = [];
  let items = 0;
  let deductedTotal = 0;
  for (const c of region.categories) {
    const defC = doc.categories.find((x) => x.id === c.id);
    deductedTotal += c.maxPoints - c.points;
    for (const it of c.items) {
      items++;
      const def = defC?.items.find((x) => x.id === it.id);
      if (!def || it.points === null) continue; // an item that does not apply deducts nothing
      const applied = { ...it, points: it.points, raw: it.raw ?? 0 };
      const ex = explainItem(ctx, def, applied);
      if (ex.deducted <= 0) continue;
      const why = zhPunct(ex.summary) + (def.note ? `（计分规则：${zhPunct(def.note)}）` : '');
      rows.push([
        String(rows.length + 1),
        zh(c.label),
        zh(it.label),
        fmtScore(it.maxPoints, p),
        fmtScore(it.points, p),
        fmtScore(ex.deducted, p),
        why,
      ]);
    }
  }

  const rank = `在${run.results.length}个计分地区中排名第${region.rank}`;
  let summary =
    `经考核，${region.name}${run.year}年度${SYSTEM}考核总分${score(doc, region.total)}分` +
    `（基础分${score(doc, region.base)}分，加分${score(doc, region.bonus)}分），` +
    `分数等级为“${gradeName(doc, region.scoreGrade)}”，考核等级为“${gradeName(doc, region.grade)}”，${rank}。` +
    `基础分共扣${fmtScore(deductedTotal, p)}分，涉及${rows.length}项指标（共${items}项）。`;
  if (region.previous)
    summary += `上年度（${region.previous.year}年）总分${score(doc, region.previous.result.total)}分，考核等级为“${gradeName(doc, region.previous.result.grade)}”。`;
  const body: Block[] = [
    { kind: 'paragraph', text: summary },
    { kind: 'paragraph', text: '现将扣分情况说明如下：' },
  ];
  let h = 0;
  body.push({ kind: 'heading', level: 1, text: `${cnNumber(++h)}、扣分指标` });
  if (rows.length) {
    body.push({
      kind: 'table',
      columns: [
        { title: '序号', width: 4, align: 'center' },
        { title: '类别', width: 9 },
        { title: '考核指标', width: 10 },
        { title: '分值', width: 5, align: 'right' },
        { title: '得分', width: 5, align: 'right' },
        { title: '扣分', width: 5, align: 'right' },
        { title: '扣分原因', width: 26 },
      ],
      rows,
    });
    if (items > rows.length)
      body.push({ kind: 'paragraph', text: `其余${items - rows.length}项指标未扣分。` });
  } else body.push({ kind: 'paragraph', text: '各项指标均未扣分。' });

  body.push({ kind: 'heading', level: 1, text: `${cnNumber(++h)}、加分项` });
  const bonus = region.bonusItems.filter((b) => b.points > 0);
  if (bonus.length) {
    for (const b of bonus) {
      const def = doc.bonus?.items?.find((x) => x.id === b.id);
      const why = def ? zhPunct(explainItem(ctx, { id: def.id, logic: def.logic }, b).summary) : '';
      body.push({ kind: 'paragraph', text: `${zh(b.label)}：${why}。` });
    }
    if (region.bonusUncapped > region.bonus)
      body.push({
        kind: 'paragraph',
        text: `加分项合计${fmtScore(region.bonusUncapped, p)}分，按上限计${score(doc, region.bonus)}分。`,
      });
  } else body.push({ kind: 'paragraph', text: '无加分。' });

  body.push({ kind: 'heading', level: 1, text: `${cnNumber(++h)}、等级评定` });
  const steps = gradePath(region, doc, 'zh').filter(
    (s) => s.kind === 'downgrade' || s.kind === 'cap' || s.kind === 'veto',
  );
  if (steps.length) for (const s of steps) body.push({ kind: 'paragraph', text: `${zhPunct(s.text)}。` });
  else body.push({ kind: 'paragraph', text: '未触发否决项、降档项或封顶项，考核等级按分数评定。' });
  body.push({
    kind: 'paragraph',
    text: '对考核结果有异议的，可在规定期限内提出申诉，并附相关证明材料。',
  });
  if (!opts.public) body.push(provenance(src));

  const title = `${region.name}${run.year}年度${SYSTEM}考核扣分说明`;
  return {
    kind: 'statement',
    issuerMark: settings.issuerMark,
    docNumber: no.text,
    docNumberMissing: no.missing,
    title,
    addressee: `${governmentOf(region.name)}：`,
    body,
    attachments: [],
    signatures: [{ lines: [settings.signatures.statement], date }],
    record: { cc: [], printer: settings.printer, printDate: date },
    fileName: `statement-${run.year}-${region.region}`,
    fileNameZh: `${region.name}${run.year}年度考核扣分说明`,
    subject: title,
  };
}
