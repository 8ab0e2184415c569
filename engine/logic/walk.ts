/**
 * Walking formulas: which operation objects they contain, which variables they read, how deep
 * they nest. json-logic-js treats an object with exactly one key as an operation.
 */

/** True when `v` is an operation object (`{ op: args }`), as json-logic-js decides. */
export function isOperation(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1;
}

/** The operation name of an operation object. */
export function operationOf(v: Record<string, unknown>): string {
  return Object.keys(v)[0];
}

/** The arguments of an operation as a list (json-logic-js wraps a single non-array argument). */
export function argsOf(v: Record<string, unknown>): unknown[] {
  const a = v[operationOf(v)];
  return Array.isArray(a) ? a : [a];
}

/** The literal variable name a `var` reads, or null when it is computed or not a string. */
export function varName(args: unknown[]): string | null {
  const name = args[0];
  return typeof name === 'string' ? name : null;
}

/**
 * The variable names a valid formula may read (`var` names and literal `missing`/`missing_some`
 * names), in first-seen order. Used for traces and dependency order.
 */
export function variablesOf(formula: unknown): string[] {
  const seen = new Set<string>();
  const stack: unknown[] = [formula];
  const order: string[] = [];
  const add = (n: string) => {
    if (!seen.has(n)) {
      seen.add(n);
      order.push(n);
    }
  };
  // depth-first, left to right
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push(node[i]);
      continue;
    }
    if (!isOperation(node)) continue;
    const op = operationOf(node);
    const args = argsOf(node);
    if (op === 'var') {
      const n = varName(args);
      if (n !== null && n !== '') add(n);
      for (let i = args.length - 1; i >= 1; i--) stack.push(args[i]);
      if (n === null) stack.push(args[0]);
      continue;
    }
    if (op === 'missing') {
      for (const a of args) if (typeof a === 'string') add(a);
    } else if (op === 'missing_some') {
      const names = args[1];
      if (Array.isArray(names)) for (const a of names) if (typeof a === 'string') add(a);
    }
    for (let i = args.length - 1; i >= 0; i--) {
      if (typeof args[i] !== 'string') stack.push(args[i]);
    }
  }
  return order;
}
