/**
 * Stage 2 of validation: every rule of SPEC section 2 that a JSON Schema cannot express — unique
 * ids and keys, declared literal variable names, the operation allowlist, points that add up,
 * grade order, cap grade references, derived-value cycles, reserved names and the size limits.
 * Written defensively: it runs on documents that failed the schema too, checking what it can.
 */
import type { Problem } from '../types.ts';
import { ALLOWED_OPERATIONS, CUSTOM_OPERATIONS, FORBIDDEN_OPERATIONS } from '../logic/operations.ts';
import { argsOf, isOperation, operationOf, variablesOf } from '../logic/walk.ts';
import { pointer, problem } from './problem.ts';
import { choiceValue, prevKeyOf, prevName } from '../document/v2.ts';
import { checkVersion2 } from './version2.ts';

/** Names that can never be keys or ids: they reach JavaScript's object prototype. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const LIMITS = {
  documentBytes: 1024 * 1024,
  formulaDepth: 64,
  inputs: 2000,
  items: 2000,
} as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const FORBIDDEN: ReadonlySet<string> = new Set(FORBIDDEN_OPERATIONS);

export interface SemanticOptions {
  /** Size of the document's source text in bytes, when it came from a file. */
  sourceBytes?: number;
}

/** A formula in the document: where it is and which part of the document it belongs to. */
export interface FormulaSite {
  path: string;
  formula: unknown;
  /** The derived key when the formula defines a derived value. */
  derivedKey?: string;
}

/** Every formula of a document with its JSON pointer. */
export function formulaSites(doc: Obj): FormulaSite[] {
  const sites: FormulaSite[] = [];
  list(doc.derived).forEach((d, i) => {
    if (isObj(d) && 'logic' in d)
      sites.push({ path: `/derived/${i}/logic`, formula: d.logic, derivedKey: str(d.key) ?? undefined });
  });
  list(doc.categories).forEach((c, ci) => {
    if (!isObj(c)) return;
    list(c.items).forEach((it, ii) => {
      if (isObj(it) && 'applies' in it)
        sites.push({ path: `/categories/${ci}/items/${ii}/applies`, formula: it.applies });
      if (isObj(it) && 'logic' in it)
        sites.push({ path: `/categories/${ci}/items/${ii}/logic`, formula: it.logic });
    });
  });
  if (isObj(doc.bonus))
    list(doc.bonus.items).forEach((b, i) => {
      if (isObj(b) && 'logic' in b) sites.push({ path: `/bonus/items/${i}/logic`, formula: b.logic });
    });
  for (const part of ['downgrades', 'caps', 'vetoes'] as const)
    list(doc[part]).forEach((x, i) => {
      if (isObj(x) && 'when' in x) sites.push({ path: `/${part}/${i}/when`, formula: x.when });
    });
  return sites;
}

/** Checks the semantic rules; returns every problem found. */
export function checkSemantics(doc: unknown, opts: SemanticOptions = {}): Problem[] {
  const out: Problem[] = [];
  if (!isObj(doc)) return out;

  // Size limit.
  const bytes = opts.sourceBytes ?? utf8Length(safeStringify(doc));
  if (bytes > LIMITS.documentBytes)
    out.push(
      problem(
        '',
        'document_too_large',
        `文档大小 ${bytes} 字节，超过上限 ${LIMITS.documentBytes} 字节（1 MiB）：请拆分或精简。`,
        `The document is ${bytes} bytes, over the limit of ${LIMITS.documentBytes} (1 MiB); split or shorten it.`,
      ),
    );

  const inputs = list(doc.inputs);
  const derived = list(doc.derived);
  const categories = list(doc.categories);
  const grades = list(doc.grades);
  const precisionOk = Number.isInteger(doc.precision) ? (doc.precision as number) : 2;

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

  // Names: reserved, unique.
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

  // Inputs: bounds, defaults and enums agree with the type.
  inputs.forEach((x, i) => {
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

  // Points add up.
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

  // Grades: strictly decreasing, last 0; caps name a grade.
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

  // Formulas.
  const declared = new Set<string>();
  for (const x of [...parameters, ...inputs, ...derived])
    if (isObj(x) && typeof x.key === 'string') declared.add(x.key);
  for (const x of inputs)
    if (isObj(x) && typeof x.key === 'string' && (x.previous === 'required' || x.previous === 'optional'))
      declared.add(prevName(x.key));
  const derivedKeys = new Set<string>();
  for (const x of derived) if (isObj(x) && typeof x.key === 'string') derivedKeys.add(x.key);
  const sites = formulaSites(doc);
  for (const site of sites) checkFormula(site.path, site.formula, declared, out);

  // Derived cycles.
  out.push(...checkCycles(derived, derivedKeys));

  // Schema version 2: its fields refused in version 1; choices, parameters, rubrics checked.
  out.push(...checkVersion2(doc));

  // Tests reference declared names.
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

  return out;
}

function checkFormula(path: string, formula: unknown, declared: Set<string>, out: Problem[]): void {
  let deepReported = false;
  // `depth` counts operations (the limit users see); `level` counts every array and object, so
  // that deeply nested arrays cannot exhaust the stack either.
  const tooDeep = (where: string) => {
    if (!deepReported)
      out.push(
        problem(
          path,
          'too_deep',
          `公式嵌套超过 ${LIMITS.formulaDepth} 层（在 ${where}）：请用派生值拆分公式。`,
          `The formula nests deeper than ${LIMITS.formulaDepth} levels (at ${where}); split it with derived values.`,
        ),
      );
    deepReported = true;
  };
  const visit = (node: unknown, at: string, depth: number, level = 0): void => {
    if (level > LIMITS.formulaDepth * 3) return tooDeep(at || '/');
    if (Array.isArray(node)) {
      node.forEach((n, i) => visit(n, `${at}/${i}`, depth, level + 1));
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const where = at || '/';
    if (!isOperation(node)) {
      out.push(
        problem(
          path,
          'invalid_formula',
          `公式中 ${where} 处的对象不是运算（运算对象只能有一个键，如 {"var": "pm25"}）：请改正。`,
          `The object at ${where} in the formula is not an operation (an operation has exactly one key, like {"var": "pm25"}); fix it.`,
        ),
      );
      return;
    }
    if (depth + 1 > LIMITS.formulaDepth) return tooDeep(where);
    const op = operationOf(node);
    const args = argsOf(node);
    const argsAt = `${at}/${escape(op)}`;
    if (!ALLOWED_OPERATIONS.has(op)) {
      if (FORBIDDEN.has(op))
        out.push(
          problem(
            path,
            'forbidden_operation',
            `公式中 ${where} 使用了禁止的运算 "${op}"（循环、方法调用和日志不允许）：请改写公式。`,
            `The formula uses the forbidden operation "${op}" at ${where} (no loops, method calls or logging); rewrite it.`,
          ),
        );
      else
        out.push(
          problem(
            path,
            'unknown_operation',
            `公式中 ${where} 使用了未知运算 "${op}"：允许的运算有 ${[...ALLOWED_OPERATIONS].join(' ')}。`,
            `Unknown operation "${op}" at ${where}; allowed: ${[...ALLOWED_OPERATIONS].join(' ')}.`,
          ),
        );
      return;
    }
    if (op === 'var') {
      checkVarName(args[0], where, path, declared, out);
      const rest = args.slice(1);
      rest.forEach((a, i) => visit(a, `${argsAt}/${i + 1}`, depth + 1, level + 1));
      return;
    }
    if (op === 'missing' || op === 'missing_some') {
      const names = op === 'missing' ? args : Array.isArray(args[1]) ? args[1] : [];
      for (const n of names) if (typeof n === 'string') checkVarName(n, where, path, declared, out);
    }
    if (op in CUSTOM_OPERATIONS) {
      const spec = CUSTOM_OPERATIONS[op as keyof typeof CUSTOM_OPERATIONS];
      if (args.length < spec.minArgs || args.length > spec.maxArgs)
        out.push(
          problem(
            path,
            'invalid_arguments',
            `运算 "${op}"（在 ${where}）需要 ${spec.minArgs === spec.maxArgs ? spec.minArgs : `${spec.minArgs}–${spec.maxArgs}`} 个参数，实际 ${args.length} 个。`,
            `"${op}" at ${where} takes ${spec.minArgs === spec.maxArgs ? spec.minArgs : `${spec.minArgs}-${spec.maxArgs}`} arguments, got ${args.length}.`,
          ),
        );
      if (op === 'interp' && args.length === 2) checkInterpPoints(args[1], where, path, out);
    }
    args.forEach((a, i) =>
      visit(a, Array.isArray((node as Obj)[op]) ? `${argsAt}/${i}` : argsAt, depth + 1, level + 1),
    );
  };
  visit(formula, '', 0);
}

function checkVarName(
  name: unknown,
  where: string,
  path: string,
  declared: Set<string>,
  out: Problem[],
): void {
  if (name === undefined || name === null || name === '') {
    out.push(
      problem(
        path,
        'empty_variable',
        `公式中 ${where} 的变量名为空：请写出已声明的名称。`,
        `The variable name at ${where} is empty; name a declared input or derived key.`,
      ),
    );
    return;
  }
  if (typeof name !== 'string') {
    out.push(
      problem(
        path,
        'computed_variable',
        `公式中 ${where} 的变量名不是字面字符串（不允许计算出的变量名）：请直接写出已声明的输入项或派生值名称。`,
        `The variable name at ${where} is not a literal string (computed names are refused); write a declared input or derived key.`,
      ),
    );
    return;
  }
  if (RESERVED_NAMES.has(name)) {
    out.push(
      problem(
        path,
        'reserved_name',
        `公式中 ${where} 读取保留名 "${name}"：不允许。`,
        `The formula reads the reserved name "${name}" at ${where}; this is refused.`,
      ),
    );
    return;
  }
  const prevKey = prevKeyOf(name);
  if (!declared.has(name) && prevKey !== null)
    out.push(
      problem(
        path,
        'unknown_variable',
        `公式中 ${where} 读取上年值 "${name}"，但输入项 "${prevKey}" 未声明 previous：请在该输入项上设置 previous（必填或可缺），或改正拼写。`,
        `The formula reads last year's value "${name}" at ${where}, but input "${prevKey}" does not declare previous; set previous on that input or fix the spelling.`,
      ),
    );
  else if (!declared.has(name))
    out.push(
      problem(
        path,
        'unknown_variable',
        `公式中 ${where} 引用了未声明的变量 "${name}"：请在输入项或派生值中声明它，或改正拼写。`,
        `The formula refers to "${name}" at ${where}, which is neither an input nor a derived value; declare it or fix the spelling.`,
      ),
    );
}

function checkInterpPoints(points: unknown, where: string, path: string, out: Problem[]): void {
  if (!Array.isArray(points)) return; // computed points are checked at run time
  let prev: number | null = null;
  const bad = (zh: string, en: string): void => {
    out.push(
      problem(
        path,
        'invalid_arguments',
        `interp（在 ${where}）的折点 ${zh}`,
        `interp points at ${where}: ${en}`,
      ),
    );
  };
  if (points.length === 0) return bad('不能为空。', 'must not be empty.');
  for (const p of points) {
    if (!Array.isArray(p) || p.length !== 2) return bad('必须是 [x, y] 数对。', 'must be [x, y] pairs.');
    if (typeof p[0] !== 'number') continue;
    if (prev !== null && !(p[0] > prev))
      return bad('的 x 必须严格递增。', 'x values must strictly increase.');
    prev = p[0];
  }
}

function checkCycles(derived: unknown[], derivedKeys: Set<string>): Problem[] {
  const out: Problem[] = [];
  const deps = new Map<string, string[]>();
  const index = new Map<string, number>();
  derived.forEach((d, i) => {
    if (!isObj(d) || typeof d.key !== 'string' || index.has(d.key)) return;
    index.set(d.key, i);
    deps.set(
      d.key,
      variablesOf(d.logic).filter((v) => derivedKeys.has(v)),
    );
  });
  const state = new Map<string, 1 | 2>(); // 1 visiting, 2 done
  const reported = new Set<string>();
  const stack: string[] = [];
  const visit = (k: string) => {
    state.set(k, 1);
    stack.push(k);
    for (const d of deps.get(k) ?? []) {
      if (!deps.has(d)) continue;
      const s = state.get(d);
      if (s === 1) {
        const cycle = stack.slice(stack.indexOf(d));
        const text = [...cycle, d].join(' → ');
        for (const member of cycle) {
          if (reported.has(member)) continue;
          reported.add(member);
          out.push(
            problem(
              `/derived/${index.get(member)}/logic`,
              'cycle',
              `派生值循环引用：${text}。请打断循环。`,
              `Derived values form a cycle: ${text}; break the cycle.`,
            ),
          );
        }
      } else if (s === undefined) visit(d);
    }
    stack.pop();
    state.set(k, 2);
  };
  for (const k of deps.keys()) if (!state.has(k)) visit(k);
  return out;
}

/** Whether a scalar fits an input type. */
export function valueFitsType(v: unknown, type: string | null): boolean {
  switch (type) {
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    default:
      return true;
  }
}

function escape(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
export { pointer };
