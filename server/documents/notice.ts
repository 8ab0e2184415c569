/**
 * 考核结果通报: the provincial government's notice of a run's results to the regions, with the score
 * table as 附件. The public version leaves out the internal run id and hashes.
 */
import { gradePath } from '../../engine/explain/trace.ts';
import { chineseDate, docNumberLine, joinZh, cnNumber, type Block, type OfficialDocument } from './model.ts';
import type { RunSource } from './source.ts';
import { resultsTable, zhMessage } from './results-table.ts';
import { PLAN, SYSTEM, citeVersion, zh, zhPunct } from './words.ts';

export interface NoticeOptions {
  /** Leave out internal ids and hashes (the version for the public and the press). */
  public?: boolean;
}

/** The date a run's documents carry: its publication date, else the day it was run. */
export function runDate(src: RunSource): string {
  return src.publication.publishedOn ?? src.run.createdAt.slice(0, 10);
}

/** The verification line of an internal document: run, version, hashes, engine. */
export function provenance(src: RunSource): Block {
  const { run } = src;
  return {
    kind: 'paragraph',
    small: true,
    indent: false,
    text:
      `核验信息（内部）：考核运行编号 ${run.id}；规则 ${run.family} 第 ${run.version} 版，` +
      `内容哈希 ${run.documentHash}；数据哈希 ${run.datasetHash}；计分引擎 ${run.engineVersion}。`,
  };
}

/**
 * A circular of a run's results (the notice, or its correction) around its title and body: the 文号
 * line, the run's score table as 附件 (with the verification line unless public), the signature,
 * the printing record and the file names.
 */
export function resultsCircular(
  src: RunSource,
  opts: NoticeOptions,
  parts: {
    kind: 'notice' | 'correction';
    title: string;
    body: Block[];
    attachmentTitle: string;
    fileNameZh: string;
  },
): OfficialDocument {
  const { run, version, settings } = src;
  const date = chineseDate(runDate(src));
  const no = docNumberLine(
    src.publication.docNumber,
    settings.abbreviation,
    Number(runDate(src).slice(0, 4)),
  );
  const blocks: Block[] = [resultsTable(version.document, run.results, run.errors)];
  if (!opts.public) blocks.push(provenance(src));
  return {
    kind: parts.kind,
    issuerMark: settings.issuerMark,
    docNumber: no.text,
    docNumberMissing: no.missing,
    title: parts.title,
    addressee: `${settings.addressee}：`,
    body: parts.body,
    attachments: [{ title: parts.attachmentTitle, blocks }],
    signatures: [{ lines: [settings.signatures[parts.kind]], date }],
    record: { cc: settings.cc, printer: settings.printer, printDate: date },
    fileName: `${parts.kind}-${run.year}${opts.public ? '-public' : `-run${run.id}`}`,
    fileNameZh: `${parts.fileNameZh}${opts.public ? '（公开版）' : ''}`,
    subject: parts.title,
  };
}

export function buildNotice(src: RunSource, opts: NoticeOptions = {}): OfficialDocument {
  const { run, version, settings } = src;
  const doc = version.document;
  const count = run.results.length + run.errors.length;
  const title = `${settings.issuer}关于${run.year}年度${SYSTEM}考核结果的通报`;
  const attachmentTitle = `${run.year}年度${SYSTEM}考核得分及排名表`;

  const body: Block[] = [
    {
      kind: 'paragraph',
      text:
        `根据${PLAN}和${citeVersion(version)}，省政府组织有关部门对${count}个地区${run.year}年度` +
        `${SYSTEM}实施情况进行了考核。现将考核结果通报如下：`,
    },
  ];
  let h = 0;
  body.push({ kind: 'heading', level: 1, text: `${cnNumber(++h)}、考核结果` });
  body.push({
    kind: 'paragraph',
    text: `考核采用百分制评分，另设否决项、降档项和加分项，考核结果分为${joinZh(doc.grades.map((g) => zh(g.label)))}${cnNumber(doc.grades.length)}个等级。`,
  });
  for (const g of doc.grades) {
    const names = run.results.filter((r) => r.grade === g.id).map((r) => r.name);
    body.push({
      kind: 'paragraph',
      text: `${zh(g.label)}等级（${names.length}个）：${names.length ? joinZh(names) : '无'}。`,
    });
  }

  const adjusted = run.results.filter(
    (r) => r.vetoes.length || r.downgrades.length || r.caps.length || r.bonusUncapped > r.bonus,
  );
  if (adjusted.length) {
    body.push({ kind: 'heading', level: 1, text: `${cnNumber(++h)}、否决、降档及加分情况` });
    for (const r of adjusted) {
      const steps = gradePath(r, doc, 'zh')
        .filter((s) => s.kind === 'downgrade' || s.kind === 'cap' || s.kind === 'veto')
        .map((s) => zhPunct(s.text));
      if (r.bonusUncapped > r.bonus) steps.push(`加分项合计超过上限，按上限计分`);
      body.push({ kind: 'paragraph', text: `${r.name}：${steps.join('；')}。` });
    }
  }
  if (run.errors.length) {
    body.push({ kind: 'heading', level: 1, text: `${cnNumber(++h)}、未能计分的地区` });
    for (const e of run.errors)
      body.push({ kind: 'paragraph', text: `${e.name || e.region}：${zhMessage(e.message)}` });
  }
  body.push({ kind: 'heading', level: 1, text: `${cnNumber(++h)}、有关要求` });
  body.push({
    kind: 'paragraph',
    text:
      `考核结果与生态环境保护专项资金安排挂钩，向考核结果为优良的地区倾斜，并抄送${joinZh(settings.cc)}。` +
      `各地要对照考核发现的问题，逐项制定整改措施，按期完成整改，切实履行生态环境保护责任。`,
  });

  return resultsCircular(src, opts, {
    kind: 'notice',
    title,
    body,
    attachmentTitle,
    fileNameZh: `${run.year}年度考核结果通报`,
  });
}
