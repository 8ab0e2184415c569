/**
 * 目标责任书: a region's targets for a year under a rule version (the targets as the year's data
 * hold them), the rules that apply to each item, the 否决项 / 降档项 / 封顶项 / 加分项 and grades,
 * and signature blocks for both sides.
 */
import type { Input } from '../../engine/types.ts';
import type { DatasetRegion } from '../db/datasets.ts';
import type { Version } from '../db/versions.ts';
import type { DocumentSettings } from '../db/settings.ts';
import { letterOf } from '../../engine/explain/letter.ts';
import { fmt } from '../../engine/explain/trace.ts';
import { BLANK_DATE, cnNumber, joinZh, type Block, type OfficialDocument } from './model.ts';
import { PLAN, SYSTEM, citeVersion, governmentOf, gradeName, zh, zhPunct } from './words.ts';

function targetText(input: Input, values: Record<string, unknown>): string {
  const v = values[input.key];
  if (v === undefined || v === null || v === '') return '（未下达）';
  if (typeof v === 'boolean') return v ? '是' : '否';
  const n = typeof v === 'number' ? fmt(v, 4) : String(v);
  if (!input.unit) return n;
  return input.unit === '%' || input.unit === '‰' ? `${n}${input.unit}` : `${n} ${input.unit}`;
}

export function buildLetter(
  version: Version,
  year: number,
  region: DatasetRegion,
  settings: DocumentSettings,
): OfficialDocument {
  const doc = version.document;
  const { sections, otherTargets } = letterOf(doc);
  const gov = governmentOf(region.name);
  const body: Block[] = [
    {
      kind: 'paragraph',
      text:
        `为落实${PLAN}，推动各地政府切实履行生态环境保护责任，依据${citeVersion(version)}，` +
        `${settings.issuer}与${gov}签订本责任书。${region.name}${year}年度${SYSTEM}考核满分${fmt(doc.maxScore, 2)}分，` +
        `目标和考核要求如下：`,
    },
  ];
  let h = 0;
  for (const s of sections) {
    body.push({
      kind: 'heading',
      level: 1,
      text: `${cnNumber(++h)}、${zh(s.label)}（${fmt(s.maxPoints, 2)}分）`,
    });
    body.push({
      kind: 'table',
      columns: [
        { title: '序号', width: 4, align: 'center' },
        { title: '考核指标', width: 12 },
        { title: '分值', width: 5, align: 'right' },
        { title: '年度目标', width: 14 },
        { title: '考核计分方法', width: 20 },
      ],
      rows: s.items.map((it, i) => [
        String(i + 1),
        zh(it.label),
        fmt(it.maxPoints, 2),
        it.targets.length
          ? it.targets.map((t) => `${zh(t.label)}：${targetText(t, region.values)}`).join('；')
          : '不单独下达目标值',
        zhPunct(it.note ?? ''),
      ]),
    });
  }
  if (otherTargets.length) {
    body.push({ kind: 'heading', level: 1, text: `${cnNumber(++h)}、其他目标` });
    for (const t of otherTargets)
      body.push({ kind: 'paragraph', text: `${zh(t.label)}：${targetText(t, region.values)}。` });
  }
  const vetoes = doc.vetoes ?? [];
  const downs = doc.downgrades ?? [];
  const caps = doc.caps ?? [];
  if (vetoes.length + downs.length + caps.length) {
    body.push({ kind: 'heading', level: 1, text: `${cnNumber(++h)}、否决项、降档项和封顶项` });
    for (const v of vetoes)
      body.push({
        kind: 'paragraph',
        text: `否决项：${zh(v.label)}的，考核结果直接评定为${gradeName(doc, doc.grades.at(-1)?.id)}。`,
      });
    for (const d of downs)
      body.push({
        kind: 'paragraph',
        text: `降档项：${zh(d.label)}的，在扣除相应指标分数的基础上降${d.levels ?? 1}档评定。`,
      });
    for (const c of caps)
      body.push({
        kind: 'paragraph',
        text: `封顶项：${zh(c.label)}的，考核等级最高评为“${gradeName(doc, c.maxGrade)}”。`,
      });
  }
  if (doc.bonus?.items?.length) {
    body.push({
      kind: 'heading',
      level: 1,
      text: `${cnNumber(++h)}、加分项（合计不超过${fmt(doc.bonus.cap, 2)}分）`,
    });
    for (const b of doc.bonus.items)
      body.push({ kind: 'paragraph', text: `${zh(b.label)}${b.note ? `：${zhPunct(b.note)}` : ''}。` });
  }
  body.push({ kind: 'heading', level: 1, text: `${cnNumber(++h)}、考核等级` });
  const bands = doc.grades.map((g, i) =>
    i < doc.grades.length - 1
      ? `${zh(g.label)}（${fmt(g.min, 2)}分及以上）`
      : `${zh(g.label)}（${fmt(doc.grades[i - 1]?.min ?? 0, 2)}分以下）`,
  );
  body.push({
    kind: 'paragraph',
    text: `考核结果分为${joinZh(bands)}${cnNumber(doc.grades.length)}个等级。考核结果由省政府通报，与生态环境保护专项资金安排挂钩。`,
  });
  body.push({ kind: 'paragraph', text: '本责任书一式两份，双方各执一份，自签订之日起生效。' });

  const title = `${year}年度生态环境保护目标责任书`;
  return {
    kind: 'letter',
    issuerMark: settings.issuerMark,
    docNumber: '',
    docNumberMissing: false,
    title,
    addressee: `责任单位：${gov}`,
    body,
    attachments: [],
    signatures: [
      { lines: [`${settings.signatures.letter}（盖章）`, '主要负责人（签字）：'], date: BLANK_DATE },
      { lines: [`${gov}（盖章）`, '主要负责人（签字）：'], date: BLANK_DATE },
    ],
    record: null,
    fileName: `letter-${year}-${region.code}`,
    fileNameZh: `${region.name}${year}年度目标责任书`,
    subject: title,
  };
}
