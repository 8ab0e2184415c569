/**
 * Formulas as text in the formula editor: compact JSON when it fits on a line, otherwise each
 * operation's arguments one per line, so a long formula reads like an outline.
 *
 * @example formatLogic({ max: [0, { '-': [4, { var: 'x' }] }] }) // '{"max": [0, {"-": [4, {"var": "x"}]}]}'
 */
export function formatLogic(value: unknown, width = 72): string {
  return print(value, 0, width);
}

function flat(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flat).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${flat(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function print(value: unknown, indent: number, width: number): string {
  const one = flat(value);
  if (indent + one.length <= width || value === null || typeof value !== 'object') return one;
  const pad = ' '.repeat(indent + 2);
  const close = ' '.repeat(indent);
  if (Array.isArray(value)) {
    // Pairs of numbers (interp points) stay on one line each.
    const parts = value.map((v) => print(v, indent + 2, width));
    return `[\n${parts.map((p) => pad + p).join(',\n')}\n${close}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [op, args] = entries[0];
    if (Array.isArray(args)) {
      const parts = args.map((v) => print(v, indent + 2, width));
      return `{${JSON.stringify(op)}: [\n${parts.map((p) => pad + p).join(',\n')}\n${close}]}`;
    }
    return `{${JSON.stringify(op)}: ${print(args, indent, width)}}`;
  }
  const parts = entries.map(([k, v]) => `${JSON.stringify(k)}: ${print(v, indent + 2, width)}`);
  return `{\n${parts.map((p) => pad + p).join(',\n')}\n${close}}`;
}

/** Structural equality of two JSON values (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => sameJson(v, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.hasOwn(b as object, k) && sameJson((a as never)[k], (b as never)[k]))
  );
}
