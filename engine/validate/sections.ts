/**
 * The per-section semantic checks of a rule document (semantic.ts runs them in order): limits,
 * names, inputs, points, grades and the document's tests. Each appends what it finds to `out`.
 */
import type { Problem } from '../types.ts';
import { prevName } from '../document/v2.ts';
import { choiceValue } from '../document/v2.ts';
import { problem } from './problem.ts';
import {
  LIMITS,
  RESERVED_NAMES,
  isObj,
  list,
  round6,
  safeStringify,
  str,
  utf8Length,
  valueFitsType,
  type Obj,
} from './common.ts';

/** The size limits: the document, its inputs, its items. */
export function checkLimits(doc: Obj, sourceBytes: number | undefined, out: Problem[]): void {
  const inputs = list(doc.inputs);
  const categories = list(doc.categories);
  const bytes = sourceBytes ?? utf8Length(safeStringify(doc));
  if (bytes > LIMITS.documentBytes)
    out.push(
      problem(
        '',
        'document_too_large',
        `文档大小 ${bytes} 字节，超过上限 ${LIMITS.documentBytes} 字节（1 MiB）：请拆分或精简。`,
        `The document is ${bytes} bytes, over the limit of ${LIMITS.documentBytes} (1 MiB); split or shorten it.`,
      ),
    );

  if (inputs.length > LIMITS.inputs)
    out.push(
      problem(
        '/inputs',
        'too_many_inputs',
        `输入项共 ${inputs.length} 个，超过上限 ${LIMITS.inputs}：请精简。`,
        `${inputs.length} inputs exceed the limit of ${LIMITS.inputs}; remove some.`,
      ),
    );
  const itemCount = categories.reduce<number>((n, c) => n + (isObj(c) ? list(c.items).length : 0), 0);
  if (itemCount > LIMITS.items)
    out.push(
      problem(
        '/categories',
        'too_many_items',
        `考核项共 ${itemCount} 个，超过上限 ${LIMITS.items}：请精简。`,
        `${itemCount} items exceed the limit of ${LIMITS.items}; remove some.`,
      ),
    );
}

/** Names: none reserved, each unique in its kind. */
export function checkNames(doc: Obj, out: Problem[]): void {
  const inputs = list(doc.inputs);
  const derived = list(doc.derived);
  const categories = list(doc.categories);
  const checkNames = (
    entries: { path: string; name: unknown }[],
    what: { zh: string; en: string },
    code: 'duplicate_key' | 'duplicate_id',
  ) => {
    const first = new Map<string, string>();
    for (const { path, name } of entries) {
      if (typeof name !== 'string') continue;
      if (RESERVED_NAMES.has(name)) {
        out.push(
          problem(
            path,
            'reserved_name',
            `${what.zh}名称 "${name}" 是保留字，不能使用：请改名。`,
            `The ${what.en} name "${name}" is reserved; choose another name.`,
          ),
        );
        continue;
      }
      const prev = first.get(name);
      if (prev !== undefined)
        out.push(
          problem(
            path,
            code,
            `${what.zh} "${name}" 重复（已在 ${prev} 定义）：请改用唯一的名称。`,
            `The ${what.en} "${name}" is already defined at ${prev}; names must be unique.`,
          ),
        );
      else first.set(name, path);
    }
  };
  const parameters = list(doc.parameters);
  checkNames(
    [
      ...parameters.map((x, i) => ({ path: `/parameters/${i}/key`, name: isObj(x) ? x.key : undefined })),
      ...inputs.map((x, i) => ({ path: `/inputs/${i}/key`, name: isObj(x) ? x.key : undefined })),
      ...derived.map((x, i) => ({ path: `/derived/${i}/key`, name: isObj(x) ? x.key : undefined })),
    ],
    { zh: '参数/输入项/派生值键', en: 'parameter, input or derived key' },
    'duplicate_key',
  );
  checkNames(
    categories.map((x, i) => ({ path: `/categories/${i}/id`, name: isObj(x) ? x.id : undefined })),
    { zh: '分类', en: 'category id' },
    'duplicate_id',
  );
  checkNames(
    categories.flatMap((c, ci) =>
      isObj(c)
        ? list(c.items).map((x, i) => ({
            path: `/categories/${ci}/items/${i}/id`,
            name: isObj(x) ? x.id : undefined,
          }))
        : [],
    ),
    { zh: '考核项', en: 'item id' },
    'duplicate_id',
  );
  const bonusItems = isObj(doc.bonus) ? list(doc.bonus.items) : [];
  checkNames(
    bonusItems.map((x, i) => ({ path: `/bonus/items/${i}/id`, name: isObj(x) ? x.id : undefined })),
    { zh: '加分项', en: 'bonus item id' },
    'duplicate_id',
  );
  for (const [part, zh, en] of [
    ['downgrades', '降档项', 'downgrade id'],
    ['caps', '封顶项', 'cap id'],
    ['vetoes', '否决项', 'veto id'],
    ['grades', '等级', 'grade id'],
  ] as const) {
    checkNames(
      list(doc[part]).map((x, i) => ({ path: `/${part}/${i}/id`, name: isObj(x) ? x.id : undefined })),
      { zh, en },
      'duplicate_id',
    );
  }
}

/** Inputs: bounds, defaults and enums agree with the type. */
export function checkInputs(doc: Obj, out: Problem[]): void {
  list(doc.inputs).forEach((x, i) => {
    if (!isObj(x)) return;
    const base = `/inputs/${i}`;
    const type = str(x.type);
    if (typeof x.min === 'number' && typeof x.max === 'number' && x.min > x.max)
      out.push(
        problem(
          `${base}/min`,
          'invalid_bounds',
          `最小值 ${x.min} 大于最大值 ${x.max}：请改正。`,
          `min ${x.min} is greater than max ${x.max}; fix the bounds.`,
        ),
      );
    if ((x.min !== undefined || x.max !== undefined) && type !== 'number' && type !== 'integer')
      out.push(
        problem(
          `${base}/${x.min !== undefined ? 'min' : 'max'}`,
          'invalid_bounds',
          `只有数值型输入项可以设置最小值/最大值：请删除或把类型改为 number。`,
          `Only number and integer inputs can have min/max; remove them or change the type.`,
        ),
      );
    const fits = (v: unknown) => valueFitsType(v, type);
    if (Array.isArray(x.enum))
      x.enum.forEach((e, j) => {
        const v = choiceValue(e);
        if (!fits(v))
          out.push(
            problem(
              `${base}/enum/${j}`,
              'invalid_enum',
              `可选值 ${JSON.stringify(v)} 与类型 ${type} 不符。`,
              `Enum value ${JSON.stringify(v)} does not match type ${type}.`,
            ),
          );
      });
    if (x.default !== undefined) {
      const d = x.default;
      let bad: string | null = null;
      if (!fits(d)) bad = `类型应为 ${type} / must be of type ${type}`;
      else if (typeof d === 'number' && typeof x.min === 'number' && d < x.min)
        bad = `小于最小值 ${x.min} / below min ${x.min}`;
      else if (typeof d === 'number' && typeof x.max === 'number' && d > x.max)
        bad = `大于最大值 ${x.max} / above max ${x.max}`;
      else if (Array.isArray(x.enum) && !x.enum.some((e) => choiceValue(e) === d))
        bad = `不在可选值中 / not in enum`;
      if (bad)
        out.push(
          problem(
            `${base}/default`,
            'invalid_default',
            `默认值 ${JSON.stringify(d)} 无效：${bad.split(' / ')[0]}。`,
            `Default ${JSON.stringify(d)} is invalid: ${bad.split(' / ')[1]}.`,
          ),
        );
    }
  });
}

/** Points add up: the items to their category, the categories to `maxScore`. */
export function checkPoints(doc: Obj, out: Problem[]): void {
  const categories = list(doc.categories);
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  let categorySum = 0;
  let categoriesNumeric = true;
  categories.forEach((c, ci) => {
    if (!isObj(c)) return;
    const items = list(c.items);
    let sum = 0;
    let numeric = true;
    for (const it of items) {
      if (isObj(it) && typeof it.maxPoints === 'number') sum += it.maxPoints;
      else numeric = false;
    }
    if (typeof c.maxPoints === 'number') categorySum += c.maxPoints;
    else categoriesNumeric = false;
    if (numeric && typeof c.maxPoints === 'number' && !near(sum, c.maxPoints)) {
      const s = round6(sum);
      out.push(
        problem(
          `/categories/${ci}/maxPoints`,
          'points_mismatch',
          `分类 "${String(c.id)}" 的满分 ${c.maxPoints} 与其各项满分之和 ${s} 不符：请调整各项分值或分类满分。`,
          `Category "${String(c.id)}" has maxPoints ${c.maxPoints} but its items sum to ${s}; adjust the items or the category.`,
        ),
      );
    }
  });
  if (
    categoriesNumeric &&
    typeof doc.maxScore === 'number' &&
    categories.length >= 0 &&
    !near(categorySum, doc.maxScore)
  ) {
    const s = round6(categorySum);
    out.push(
      problem(
        '/maxScore',
        'points_mismatch',
        `总分 maxScore ${doc.maxScore} 与各分类满分之和 ${s} 不符：请调整分类分值或总分。`,
        `maxScore is ${doc.maxScore} but the categories sum to ${s}; adjust the categories or maxScore.`,
      ),
    );
  }
}

/** Grades: strictly decreasing, the last at 0; caps name a grade. Returns the grade ids. */
export function checkGrades(doc: Obj, out: Problem[]): Set<string> {
  const grades = list(doc.grades);
  const gradeIds = new Set<string>();
  let prevMin: number | null = null;
  grades.forEach((g, i) => {
    if (!isObj(g)) return;
    if (typeof g.id === 'string') gradeIds.add(g.id);
    if (typeof g.min !== 'number') return;
    if (prevMin !== null && !(g.min < prevMin))
      out.push(
        problem(
          `/grades/${i}/min`,
          'grade_order',
          `等级 "${String(g.id)}" 的最低分 ${g.min} 应严格小于上一等级的 ${prevMin}：等级须按从高到低排列。`,
          `Grade "${String(g.id)}" min ${g.min} must be strictly below the previous grade's ${prevMin}; list grades best first.`,
        ),
      );
    prevMin = g.min;
  });
  const last = grades[grades.length - 1];
  if (isObj(last) && typeof last.min === 'number' && last.min !== 0)
    out.push(
      problem(
        `/grades/${grades.length - 1}/min`,
        'grade_last_min',
        `最后一个等级的最低分应为 0（当前 ${last.min}），否则低分地区没有等级。`,
        `The last grade must have min 0 (it has ${last.min}), so every total gets a grade.`,
      ),
    );
  list(doc.caps).forEach((c, i) => {
    if (isObj(c) && typeof c.maxGrade === 'string' && !gradeIds.has(c.maxGrade))
      out.push(
        problem(
          `/caps/${i}/maxGrade`,
          'unknown_grade',
          `封顶等级 "${c.maxGrade}" 不存在：请选用已定义的等级（${[...gradeIds].join('、')}）。`,
          `maxGrade "${c.maxGrade}" is not a grade; use one of ${[...gradeIds].join(', ')}.`,
        ),
      );
  });
  return gradeIds;
}

/** The document's tests name declared inputs, previous values, items, grades and conditions. */
export function checkTestReferences(
  doc: Obj,
  declared: Set<string>,
  gradeIds: Set<string>,
  out: Problem[],
): void {
  const inputs = list(doc.inputs);
  const categories = list(doc.categories);
  const bonusItems = isObj(doc.bonus) ? list(doc.bonus.items) : [];
  const itemIds = new Set<string>();
  for (const c of categories)
    if (isObj(c))
      for (const it of list(c.items)) if (isObj(it) && typeof it.id === 'string') itemIds.add(it.id);
  for (const b of bonusItems) if (isObj(b) && typeof b.id === 'string') itemIds.add(b.id);
  const inputKeys = new Set<string>();
  for (const x of inputs) if (isObj(x) && typeof x.key === 'string') inputKeys.add(x.key);
  const idsOf = (part: string) =>
    new Set(list(doc[part]).flatMap((x) => (isObj(x) && typeof x.id === 'string' ? [x.id] : [])));
  const lists = { vetoes: idsOf('vetoes'), downgrades: idsOf('downgrades'), caps: idsOf('caps') };
  list(doc.tests).forEach((t, ti) => {
    if (!isObj(t)) return;
    if (isObj(t.inputs))
      for (const k of Object.keys(t.inputs))
        if (!inputKeys.has(k))
          out.push(
            problem(
              `/tests/${ti}/inputs/${k}`,
              'unknown_input',
              `测试用例的输入 "${k}" 不是已声明的输入项：请删除或改正。`,
              `Test input "${k}" is not a declared input; remove or rename it.`,
            ),
          );
    if (isObj(t.previous))
      for (const k of Object.keys(t.previous))
        if (!declared.has(prevName(k)))
          out.push(
            problem(
              `/tests/${ti}/previous/${k}`,
              'unknown_input',
              `测试用例的上年值 "${k}" 不是声明了 previous 的输入项：请删除或改正。`,
              `Test previous value "${k}" is not an input that declares previous; remove or rename it.`,
            ),
          );
    if (!isObj(t.expect)) return;
    const e = t.expect;
    if (isObj(e.items))
      for (const k of Object.keys(e.items))
        if (!itemIds.has(k))
          out.push(
            problem(
              `/tests/${ti}/expect/items/${k}`,
              'unknown_item',
              `预期中的考核项 "${k}" 不存在。`,
              `Expected item "${k}" does not exist.`,
            ),
          );
    for (const f of ['grade', 'scoreGrade'] as const)
      if (typeof e[f] === 'string' && !gradeIds.has(e[f] as string))
        out.push(
          problem(
            `/tests/${ti}/expect/${f}`,
            'unknown_grade',
            `预期等级 "${String(e[f])}" 不存在。`,
            `Expected grade "${String(e[f])}" does not exist.`,
          ),
        );
    for (const f of ['vetoes', 'downgrades', 'caps'] as const)
      list(e[f]).forEach((id, j) => {
        if (typeof id === 'string' && !lists[f].has(id))
          out.push(
            problem(
              `/tests/${ti}/expect/${f}/${j}`,
              'unknown_id',
              `预期中的 "${id}" 不在 ${f} 中。`,
              `Expected "${id}" is not one of the document's ${f}.`,
            ),
          );
      });
  });
}
