/** The semantic checks of formulas: operations, variable names, depth, interp points, cycles. */
import type { Problem } from '../types.ts';
import { ALLOWED_OPERATIONS, CUSTOM_OPERATIONS } from '../logic/operations.ts';
import { argsOf, isOperation, operationOf, variablesOf } from '../logic/walk.ts';
import { problem } from './problem.ts';
import { prevKeyOf } from '../document/v2.ts';
import { FORBIDDEN, LIMITS, RESERVED_NAMES, escape, isObj, type Obj } from './common.ts';

export function checkFormula(path: string, formula: unknown, declared: Set<string>, out: Problem[]): void {
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

export function checkVarName(
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

export function checkInterpPoints(points: unknown, where: string, path: string, out: Problem[]): void {
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

export function checkCycles(derived: unknown[], derivedKeys: Set<string>): Problem[] {
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
