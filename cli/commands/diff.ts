/**
 * `ecoscore diff OLD.json NEW.json [--data DATA] [--json]`: what changed between two rule versions
 * and, with a data file, whom it moves (SPEC section 6). `--json` prints the diff object itself;
 * otherwise a report in Chinese grouped by part of the assessment. Exit 0 on success, 2 for a
 * usage error or an unreadable or invalid file (named, with the JSON pointer of each problem).
 */
import { errorsOf, validateDocument } from '../../engine/index.ts';
import type { Label, RuleDocument } from '../../engine/index.ts';
import {
  diff,
  type Change,
  type DiffResult,
  type FieldChange,
  type ImpactRow,
} from '../../engine/diff/index.ts';
import { formulaLabels, renderFormula } from '../../engine/render/formula.ts';
import type { CliIo } from '../main.ts';
import { parseArgs } from '../main.ts';
import { CliInputError, readDataFile, readRulesFile } from '../io.ts';
import { renderTable } from '../table.ts';

const USAGE = '用法 / usage: ecoscore diff OLD.json NEW.json [--data DATA.(json|csv|xlsx)] [--json]\n';

export async function run(args: string[], io: CliIo): Promise<number> {
  const { positional, flags } = parseArgs(args, ['data']);
  const json = flags.has('json');
  const data = flags.get('data');
  const unknown = [...flags.keys()].filter((f) => f !== 'json' && f !== 'data');
  if (positional.length !== 2 || data === true || unknown.length > 0) {
    if (unknown.length > 0)
      io.stderr(`未知选项 / unknown option: ${unknown.map((f) => `--${f}`).join(' ')}\n`);
    io.stderr(USAGE);
    return 2;
  }
  try {
    const [oldDoc, newDoc] = [await readRules(positional[0], io), await readRules(positional[1], io)];
    let dataset;
    if (typeof data === 'string') {
      const parsed = await readDataFile(data, io.cwd, typingDocument(oldDoc, newDoc));
      for (const e of parsed.rowErrors)
        io.stderr(`${data} ${e.location ?? ''} ${e.code}: ${e.message}（该行未参与比较 / row skipped）\n`);
      dataset = parsed.dataset;
    }
    const result = diff(oldDoc, newDoc, { dataset });
    if (json) io.stdout(JSON.stringify(result, null, 2) + '\n');
    else
      io.stdout(
        formatDiff(oldDoc, newDoc, result, { from: positional[0], to: positional[1], data: data as string }) +
          '\n',
      );
    return 0;
  } catch (e) {
    if (e instanceof CliInputError) {
      io.stderr(e.message + '\n');
      return 2;
    }
    throw e;
  }
}

/** Reads and validates one rule document; problems name the file and their JSON pointer. */
async function readRules(path: string, io: CliIo): Promise<RuleDocument> {
  const rules = await readRulesFile(path, io.cwd);
  const problems = errorsOf(validateDocument(rules.document, { sourceBytes: rules.bytes, runTests: false }));
  if (problems.length > 0) {
    throw new CliInputError(
      path,
      `规则文档无效 / invalid rule document (${problems.length}):\n` +
        problems.map((p) => `${p.path || '/'} ${p.code} ${p.message}`).join('\n'),
    );
  }
  return rules.document as RuleDocument;
}

/** Table cells are typed by the inputs of both versions (the new one wins where both declare a key). */
function typingDocument(oldDoc: RuleDocument, newDoc: RuleDocument): RuleDocument {
  const keys = new Set(newDoc.inputs.map((i) => i.key));
  return { ...newDoc, inputs: [...newDoc.inputs, ...oldDoc.inputs.filter((i) => !keys.has(i.key))] };
}

// ---------------------------------------------------------------------------------------------
// The readable report

type Side = 'from' | 'to';

const FIELD_NAMES: Record<string, string> = {
  schemaVersion: '格式版本',
  family: '规则族',
  year: '考核年度',
  'title.zh': '标题',
  'title.en': '英文标题',
  basis: '依据',
  maxScore: '总分',
  precision: '保留小数位数',
  'bonus.cap': '加分上限',
  downgradeStacking: '多项降档的叠加方式',
  'label.zh': '名称',
  'label.en': '英文名称',
  category: '所属类别',
  maxPoints: '分值',
  logic: '公式',
  when: '触发条件',
  note: '说明',
  levels: '降档级数',
  maxGrade: '最高等级',
  type: '类型',
  unit: '单位',
  enum: '可选值',
  default: '默认值',
  required: '必填',
  role: '用途',
  source: '数据来源',
  value: '取值',
  previous: '上年值',
  applies: '适用条件',
  notApplicable: '不适用处理',
  'rubric.zh': '计分规则',
  'rubric.forLogic': '计分规则对应的公式（哈希）',
};

const VALUE_WORDS: Record<string, Record<string, string>> = {
  downgradeStacking: { max: '取最大降档级数（max）', sum: '各项降档级数相加（sum）' },
  type: { number: '数值', integer: '整数', boolean: '是/否', string: '文字' },
  role: { target: '目标值', actual: '实际值', event: '事件', assessment: '考核评价', other: '其他' },
  source: { provincial: '省级', national: '国家' },
};

const KIND_MARK: Record<Change['kind'], string> = { added: '+ 新增', removed: '- 删除', changed: '~ 修改' };

const GROUP_TITLES: Record<string, string> = {
  parameter: '参数',
  bonus: '加分项',
  downgrade: '降档项',
  cap: '封顶项',
  veto: '否决项',
  grade: '等级',
  input: '输入项',
  derived: '派生值',
  document: '文档',
  test: '文档自带测试',
};

const TARGET_ORDER = [
  'parameter',
  'bonus',
  'downgrade',
  'cap',
  'veto',
  'grade',
  'input',
  'derived',
  'document',
  'test',
];

interface Docs {
  from: RuleDocument;
  to: RuleDocument;
}

/** The diff as a report in Chinese, grouped by part of the assessment, with labels and formulas. */
export function formatDiff(
  oldDoc: RuleDocument,
  newDoc: RuleDocument,
  result: DiffResult,
  files: { from: string; to: string; data?: string },
): string {
  const docs: Docs = { from: oldDoc, to: newDoc };
  const lines: string[] = [
    `规则差异 / rule diff`,
    `  旧版：${oldDoc.title.zh}（${oldDoc.family} ${oldDoc.year}，${files.from}）`,
    `  新版：${newDoc.title.zh}（${newDoc.family} ${newDoc.year}，${files.to}）`,
    '',
  ];
  const { changes } = result;
  if (changes.length === 0) lines.push('两个版本的规则相同，没有变更。');
  else lines.push(`共 ${changes.length} 处变更（+ 新增，- 删除，~ 修改）。`);

  // One group per category (new order, then removed ones), holding the category's own change and its items'.
  const categoryIds = [
    ...newDoc.categories.map((c) => c.id),
    ...oldDoc.categories.map((c) => c.id).filter((id) => !newDoc.categories.some((c) => c.id === id)),
  ];
  for (const id of categoryIds) {
    const own = changes.filter((c) => c.target === 'category' && c.id === id);
    const items = changes.filter((c) => c.target === 'item' && c.category === id);
    if (own.length + items.length === 0) continue;
    const cat = newDoc.categories.find((c) => c.id === id) ?? oldDoc.categories.find((c) => c.id === id)!;
    lines.push('', `【${cat.label.zh}】（${id}）`);
    for (const c of own) lines.push(...formatChange(c, docs, '本类别'));
    for (const c of items) lines.push(...formatChange(c, docs));
  }
  for (const target of TARGET_ORDER) {
    const group = changes.filter((c) => c.target === target);
    if (group.length === 0) continue;
    lines.push('', `【${GROUP_TITLES[target]}】`);
    for (const c of group) lines.push(...formatChange(c, docs));
  }
  if (result.impact) lines.push('', ...formatImpact(result.impact, docs, files.data));
  return lines.join('\n');
}

function formatChange(c: Change, docs: Docs, name?: string): string[] {
  const side: Side = c.kind === 'removed' ? 'from' : 'to';
  const entity = findEntity(docs[side], c);
  const title = c.target === 'test' ? c.id : `${name ?? labelOf(entity) ?? c.id}（${c.id}）`;
  if (c.kind === 'changed' && c.target === 'document') {
    return (c.fields ?? []).map(
      (f) =>
        `  ~ ${FIELD_NAMES[f.field] ?? f.field}：${fieldText(f, 'from', c, docs)} → ${fieldText(f, 'to', c, docs)}`,
    );
  }
  const out = [`  ${KIND_MARK[c.kind]} ${title}`];
  if (c.kind === 'changed') {
    for (const f of c.fields ?? []) out.push(...formatField(f, c, docs));
  } else if (entity) {
    out.push(...describe(entity, c, docs[side]).map((line) => `      ${line}`));
  }
  return out;
}

function formatField(f: FieldChange, c: Change, docs: Docs): string[] {
  const name = fieldName(f.field, c);
  const from = fieldText(f, 'from', c, docs);
  const to = fieldText(f, 'to', c, docs);
  if (f.field === 'logic' || f.field === 'when')
    return [`      ${name}：`, `        旧：${from}`, `        新：${to}`];
  return [`      ${name}：${from} → ${to}`];
}

function fieldName(field: string, c: Change): string {
  if (c.target === 'grade' && field === 'min') return '最低分数';
  if (c.target === 'input' && field === 'min') return '最小值';
  if (c.target === 'input' && field === 'max') return '最大值';
  if (c.target === 'test' && field.startsWith('inputs.')) return `输入 ${field.slice('inputs.'.length)}`;
  if (c.target === 'test' && field.startsWith('expect.')) return `预期 ${field.slice('expect.'.length)}`;
  return FIELD_NAMES[field] ?? field;
}

/** One side of a field change in words: formulas rendered with labels, grades and categories named. */
function fieldText(f: FieldChange, side: Side, c: Change, docs: Docs): string {
  const value = f[side];
  if (value === null || value === undefined) return '（无）';
  const doc = docs[side];
  if (f.field === 'logic' || f.field === 'when')
    return renderFormula(value, { lang: 'zh', labels: formulaLabels(doc) });
  if (f.field === 'category') {
    const cat = doc.categories.find((x) => x.id === value);
    return cat ? `${cat.label.zh}（${String(value)}）` : String(value);
  }
  if (
    f.field === 'maxGrade' ||
    (c.target === 'test' && (f.field === 'expect.grade' || f.field === 'expect.scoreGrade'))
  ) {
    const grade = doc.grades.find((g) => g.id === value);
    return grade ? `${grade.label.zh}（${String(value)}）` : String(value);
  }
  const words = VALUE_WORDS[f.field];
  if (words && typeof value === 'string' && words[value]) return words[value];
  return plain(value);
}

function plain(value: unknown): string {
  if (value === null || value === undefined) return '（无）';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'string') return value === '' ? '（空）' : value;
  if (Array.isArray(value)) return value.length === 0 ? '（空）' : value.map(plain).join('、');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** What an added or removed part is, in a line or two. */
function describe(entity: Record<string, unknown>, c: Change, doc: RuleDocument): string[] {
  const formula = (v: unknown) => renderFormula(v, { lang: 'zh', labels: formulaLabels(doc) });
  const grade = (id: unknown) => doc.grades.find((g) => g.id === id)?.label.zh ?? String(id);
  switch (c.target) {
    case 'category':
      return [`分值 ${plain(entity.maxPoints)}`];
    case 'item':
      return [`分值 ${plain(entity.maxPoints)}`, `公式：${formula(entity.logic)}`];
    case 'bonus':
    case 'derived':
      return [`公式：${formula(entity.logic)}`];
    case 'downgrade':
      return [`触发条件：${formula(entity.when)}`, `降档级数：${plain(entity.levels ?? 1)}`];
    case 'cap':
      return [`触发条件：${formula(entity.when)}`, `最高等级：${grade(entity.maxGrade)}`];
    case 'veto':
      return [`触发条件：${formula(entity.when)}`];
    case 'grade':
      return [`最低分数 ${plain(entity.min)}`];
    case 'parameter':
      return [`取值 ${plain(entity.value)}${entity.unit ? ` ${plain(entity.unit)}` : ''}`];
    case 'input': {
      const type = VALUE_WORDS.type[String(entity.type)] ?? String(entity.type);
      const unit = entity.unit ? `，单位 ${plain(entity.unit)}` : '';
      const def = entity.default !== undefined ? `，默认值 ${plain(entity.default)}` : '';
      return [`类型 ${type}${unit}${def}`];
    }
    default:
      return [];
  }
}

function findEntity(doc: RuleDocument, c: Change): Record<string, unknown> | undefined {
  const byId = <T extends { id: string }>(xs: T[] | undefined) => xs?.find((x) => x.id === c.id);
  const byKey = <T extends { key: string }>(xs: T[] | undefined) => xs?.find((x) => x.key === c.id);
  const found = (() => {
    switch (c.target) {
      case 'input':
        return byKey(doc.inputs);
      case 'derived':
        return byKey(doc.derived);
      case 'parameter':
        return byKey(doc.parameters);
      case 'category':
        return byId(doc.categories);
      case 'item':
        return (
          byId(doc.categories.find((x) => x.id === c.category)?.items) ??
          byId(doc.categories.flatMap((x) => x.items))
        );
      case 'bonus':
        return byId(doc.bonus?.items);
      case 'downgrade':
        return byId(doc.downgrades);
      case 'cap':
        return byId(doc.caps);
      case 'veto':
        return byId(doc.vetoes);
      case 'grade':
        return byId(doc.grades);
      case 'test':
        return doc.tests?.find((t) => t.name === c.id);
      default:
        return undefined;
    }
  })();
  return found as Record<string, unknown> | undefined;
}

function labelOf(entity: Record<string, unknown> | undefined): string | undefined {
  const label = entity?.label as Label | undefined;
  return label?.zh;
}

function formatImpact(impact: ImpactRow[], docs: Docs, data?: string): string[] {
  const moved = impact.filter((r) => r.gradeChanged).length;
  const digits = Math.max(docs.from.precision ?? 2, docs.to.precision ?? 2);
  const total = (n: number | undefined) => (n === undefined ? '—' : n.toFixed(digits));
  const grade = (side: Side, id: string | undefined) =>
    id === undefined ? '无法计分' : (docs[side].grades.find((g) => g.id === id)?.label.zh ?? id);
  const change = (n: number | undefined) => (n === undefined ? '—' : n > 0 ? `+${total(n)}` : total(n));
  const rows = impact.map((r) => [
    r.region,
    r.name,
    total(r.from?.total),
    grade('from', r.from?.grade),
    total(r.to?.total),
    grade('to', r.to?.grade),
    change(r.totalChange),
    r.gradeChanged ? '是' : '',
  ]);
  const lines = [
    `【影响】${data ? `按 ${data} 的数据，` : ''}${impact.length} 个地区中 ${moved} 个等级变化`,
    '',
    renderTable(['代码', '地区', '旧总分', '旧等级', '新总分', '新等级', '分数变化', '等级变化'], rows, [
      'left',
      'left',
      'right',
      'left',
      'right',
      'left',
      'right',
      'left',
    ]),
  ];
  const failures = impact.filter((r) => r.fromError || r.toError);
  if (failures.length > 0) {
    lines.push('', '无法计分 / not scored:');
    for (const r of failures) {
      if (r.fromError) lines.push(`  ${r.region} ${r.name} 旧版：${r.fromError}`);
      if (r.toError) lines.push(`  ${r.region} ${r.name} 新版：${r.toError}`);
    }
  }
  return lines;
}
