/**
 * Readable text for a JSON-logic formula of the ecoscore dialect (SPEC section 2), in plain
 * notation or in Chinese. Used by the diff (`fromText` / `toText`), the CLI and the editor.
 *
 * Pure and total: any value renders, shapes the dialect does not know (several keys, unknown
 * operations, wrong argument counts) render as compact JSON, and it never throws.
 *
 * @example
 * renderFormula({ max: [0, { '-': [4, { '*': [0.5, { var: 'pm25_excess' }] }] }] })
 * // → 'max(0, 4 − 0.5 × pm25_excess)'
 * renderFormula({ if: [{ '>': [{ var: 'pm25' }, { var: 'pm25_prev' }] }, 0, 2] }, { lang: 'zh' })
 * // → '如果 pm25 > pm25_prev 则 0 否则 2'
 */

export interface FormulaLabel {
  zh: string;
  en?: string;
}

export interface RenderOptions {
  /** 'en' (default): plain notation; 'zh': Chinese keywords. */
  lang?: 'zh' | 'en';
  /**
   * Show these labels instead of variable keys. In English a key without an `en` label stays a key.
   */
  labels?: Record<string, FormulaLabel>;
}

/** Operator precedence, loosest first. */
const P_IF = 1;
const P_OR = 2;
const P_AND = 3;
const P_CMP = 4;
const P_ADD = 5;
const P_MUL = 6;
const P_UNARY = 7;
const P_ATOM = 8;

/** Deeper than this (far beyond the dialect's limit of 64) a node renders as JSON. */
const MAX_DEPTH = 200;

interface Words {
  if: string;
  then: string;
  else: string;
  elseIf: string;
  and: string;
  or: string;
  not: string;
  in: string;
  default: string;
  true: string;
  false: string;
  null: string;
  bool: string;
  open: string;
  close: string;
}

const WORDS: Record<'zh' | 'en', Words> = {
  en: {
    if: 'if',
    then: 'then',
    else: 'else',
    elseIf: 'else if',
    and: 'and',
    or: 'or',
    not: 'not',
    in: 'in',
    default: 'default',
    true: 'true',
    false: 'false',
    null: 'null',
    bool: 'bool',
    open: '[',
    close: ']',
  },
  zh: {
    if: '如果',
    then: '则',
    else: '否则',
    elseIf: '否则如果',
    and: '且',
    or: '或',
    not: '非',
    in: '属于',
    default: '默认',
    true: '是',
    false: '否',
    null: '空',
    bool: '真值',
    open: '「',
    close: '」',
  },
};

const COMPARISONS: Record<string, string> = {
  '==': '=',
  '===': '=',
  '!=': '≠',
  '!==': '≠',
  '>': '>',
  '>=': '≥',
  '<': '<',
  '<=': '≤',
};

/** A label is bracketed when it holds spaces or characters that read as operators. */
const NEEDS_BRACKETS = /[\s+\-−×÷*/%<>=≠≤≥!?:,;()[\]]/;

interface Rendered {
  text: string;
  prec: number;
  /** The text starts with a minus sign (so `a − −3` becomes `a − (−3)`). */
  neg: boolean;
}

/** Render a formula as readable text. Never throws. */
export function renderFormula(logic: unknown, opts: RenderOptions = {}): string {
  try {
    return new Renderer(opts).render(logic, 0).text;
  } catch {
    return compactJson(logic);
  }
}

/**
 * The labels of a document's parameters, inputs and derived values, keyed by key, for
 * `renderFormula`; last year's values (schema version 2) as `prev.KEY` → 上年… / last year's ….
 */
export function formulaLabels(doc: {
  parameters?: { key: string; label: FormulaLabel }[];
  inputs?: { key: string; label: FormulaLabel; previous?: string }[];
  derived?: { key: string; label: FormulaLabel }[];
}): Record<string, FormulaLabel> {
  const labels: Record<string, FormulaLabel> = Object.create(null);
  const ok = (entry: { key: string; label: FormulaLabel } | undefined) =>
    entry && typeof entry.key === 'string' && entry.label && typeof entry.label.zh === 'string';
  for (const entry of [...(doc.parameters ?? []), ...(doc.inputs ?? []), ...(doc.derived ?? [])]) {
    if (ok(entry)) labels[entry.key] = entry.label;
  }
  for (const input of doc.inputs ?? [])
    if (ok(input) && input.previous !== undefined)
      labels[`prev.${input.key}`] = {
        zh: `上年${input.label.zh}`,
        ...(input.label.en ? { en: `last year's ${input.label.en}` } : {}),
      };
  return labels;
}

/** JSON without spaces, or a best-effort string when the value is not JSON. */
export function compactJson(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text;
  } catch {
    return '…';
  }
}

const atom = (text: string): Rendered => ({ text, prec: P_ATOM, neg: false });

class Renderer {
  private readonly w: Words;
  private readonly lang: 'zh' | 'en';
  private readonly labels?: Record<string, FormulaLabel>;

  constructor(opts: RenderOptions) {
    this.lang = opts.lang === 'zh' ? 'zh' : 'en';
    this.w = WORDS[this.lang];
    this.labels = opts.labels;
  }

  render(node: unknown, depth: number): Rendered {
    if (depth > MAX_DEPTH) return atom(compactJson(node));
    if (node === null || node === undefined) return atom(this.w.null);
    if (typeof node === 'boolean') return atom(node ? this.w.true : this.w.false);
    if (typeof node === 'number') return this.number(node);
    if (typeof node === 'string') return atom(JSON.stringify(node));
    if (Array.isArray(node)) return atom(this.list(node, depth));
    if (typeof node !== 'object') return atom(compactJson(node));
    const keys = Object.keys(node);
    if (keys.length !== 1) return atom(compactJson(node));
    const op = keys[0];
    const raw = (node as Record<string, unknown>)[op];
    const args = Array.isArray(raw) ? raw : [raw];
    return this.operation(op, args, depth + 1) ?? atom(compactJson(node));
  }

  private number(n: number): Rendered {
    if (n < 0 || Object.is(n, -0)) {
      return { text: '−' + String(Math.abs(n)), prec: P_UNARY, neg: true };
    }
    return atom(String(n));
  }

  private list(items: unknown[], depth: number): string {
    return '[' + items.map((x) => this.render(x, depth + 1).text).join(', ') + ']';
  }

  private call(name: string, args: unknown[], depth: number): Rendered {
    return atom(name + '(' + args.map((a) => this.render(a, depth).text).join(', ') + ')');
  }

  /** `node` as an operand that must bind at least as tightly as `min`. */
  private operand(node: unknown, depth: number, min: number, guardNeg = false): string {
    const r = this.render(node, depth);
    return r.prec < min || (guardNeg && r.neg) ? `(${r.text})` : r.text;
  }

  private variable(name: string): string {
    const label = this.labels
      ? Object.prototype.hasOwnProperty.call(this.labels, name) && this.labels[name]
      : undefined;
    const text = label ? (this.lang === 'zh' ? label.zh : label.en) : undefined;
    if (!text) return name;
    return NEEDS_BRACKETS.test(text) ? this.w.open + text + this.w.close : text;
  }

  private operation(op: string, args: unknown[], depth: number): Rendered | null {
    const w = this.w;
    switch (op) {
      case 'var': {
        if (args.length < 1 || args.length > 2 || typeof args[0] !== 'string' || args[0] === '') return null;
        const name = this.variable(args[0]);
        if (args.length === 1) return atom(name);
        return atom(`${name} (${w.default} ${this.render(args[1], depth).text})`);
      }
      case 'missing': {
        const names = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
        return atom('missing(' + names.map((a) => this.nameOrFormula(a, depth)).join(', ') + ')');
      }
      case 'missing_some': {
        if (args.length !== 2 || !Array.isArray(args[1])) return null;
        const names = args[1].map((a) => this.nameOrFormula(a, depth));
        return atom(`missing_some(${this.render(args[0], depth).text}, [${names.join(', ')}])`);
      }
      case 'if':
      case '?:':
        return this.conditional(args, depth);
      case 'or':
      case 'and': {
        if (args.length === 0) return null;
        if (args.length === 1) return this.render(args[0], depth);
        const prec = op === 'or' ? P_OR : P_AND;
        const word = op === 'or' ? w.or : w.and;
        // `and` inside `or` keeps its parentheses: nobody should need to know which binds tighter.
        const parts = args.map((a) => {
          const r = this.render(a, depth);
          const wrap = r.prec < prec || (op === 'or' && r.prec === P_AND);
          return wrap ? `(${r.text})` : r.text;
        });
        return { text: parts.join(` ${word} `), prec, neg: false };
      }
      case '!':
        if (args.length !== 1) return null;
        return { text: `${w.not} ${this.operand(args[0], depth, P_UNARY)}`, prec: P_UNARY, neg: false };
      case '!!':
        if (args.length !== 1) return null;
        return this.call(w.bool, args, depth);
      case '==':
      case '===':
      case '!=':
      case '!==':
      case '>':
      case '>=': {
        if (args.length !== 2) return null;
        return this.chain(args, COMPARISONS[op], depth);
      }
      case '<':
      case '<=': {
        if (args.length !== 2 && args.length !== 3) return null;
        return this.chain(args, COMPARISONS[op], depth);
      }
      case 'in': {
        if (args.length !== 2) return null;
        return this.chain(args, w.in, depth);
      }
      case '+': {
        if (args.length === 0) return null;
        if (args.length === 1) {
          return { text: '+' + this.operand(args[0], depth, P_UNARY, true), prec: P_UNARY, neg: false };
        }
        const parts = args.map((a, i) => this.operand(a, depth, P_ADD, i > 0));
        return { text: parts.join(' + '), prec: P_ADD, neg: parts[0].startsWith('−') };
      }
      case '-': {
        if (args.length === 1) {
          return { text: '−' + this.operand(args[0], depth, P_UNARY, true), prec: P_UNARY, neg: true };
        }
        if (args.length !== 2) return null;
        const left = this.operand(args[0], depth, P_ADD);
        const right = this.operand(args[1], depth, P_ADD + 1, true);
        return { text: `${left} − ${right}`, prec: P_ADD, neg: left.startsWith('−') };
      }
      case '*': {
        if (args.length < 2) return null;
        // a × (b ÷ c) reads as a × b ÷ c; a × (b mod c) does not.
        const parts = args.map((a, i) => {
          const r = this.render(a, depth);
          const wrap = r.prec < P_MUL || (i > 0 && (r.neg || isOp(a, '%')));
          return wrap ? `(${r.text})` : r.text;
        });
        return { text: parts.join(' × '), prec: P_MUL, neg: parts[0].startsWith('−') };
      }
      case '/':
      case '%': {
        if (args.length !== 2) return null;
        const left = this.operand(args[0], depth, P_MUL);
        const right = this.operand(args[1], depth, P_MUL + 1, true);
        const sign = op === '/' ? '÷' : 'mod';
        return { text: `${left} ${sign} ${right}`, prec: P_MUL, neg: left.startsWith('−') };
      }
      case 'max':
      case 'min':
      case 'cat':
        return this.call(op, args, depth);
      case 'substr':
        if (args.length < 2 || args.length > 3) return null;
        return this.call(op, args, depth);
      case 'round':
        if (args.length < 1 || args.length > 2) return null;
        return this.call(op, args, depth);
      case 'clamp':
        if (args.length !== 3) return null;
        return this.call(op, args, depth);
      case 'interp':
        return this.interp(args, depth);
      default:
        return null;
    }
  }

  /** Literal strings name variables (the arguments of `missing`); anything else is a formula. */
  private nameOrFormula(arg: unknown, depth: number): string {
    return typeof arg === 'string' && arg !== '' ? this.variable(arg) : this.render(arg, depth).text;
  }

  /** `a op b` or the between form `a < b < c`; operands never chain without parentheses. */
  private chain(args: unknown[], sign: string, depth: number): Rendered {
    const parts = args.map((a) => this.operand(a, depth, P_CMP + 1));
    return { text: parts.join(` ${sign} `), prec: P_CMP, neg: parts[0].startsWith('−') };
  }

  /** `if c1 then v1 else if c2 then v2 else v3`; an `if` in the last else continues the chain. */
  private conditional(args: unknown[], depth: number): Rendered | null {
    const w = this.w;
    if (args.length === 0) return null;
    if (args.length === 1) return this.render(args[0], depth);
    const parts: string[] = [];
    let rest = args;
    let first = true;
    for (;;) {
      let i = 0;
      for (; i + 1 < rest.length; i += 2) {
        const cond = this.operand(rest[i], depth, P_IF + 1);
        const value = this.operand(rest[i + 1], depth, P_IF + 1);
        parts.push(`${first ? w.if : w.elseIf} ${cond} ${w.then} ${value}`);
        first = false;
      }
      if (i === rest.length) break; // no else branch: json-logic yields null
      const last = rest[i];
      const nested = conditionalArgs(last);
      if (nested && nested.length >= 2) {
        rest = nested;
        continue;
      }
      parts.push(`${w.else} ${this.render(last, depth).text}`);
      break;
    }
    return { text: parts.join(' '), prec: P_IF, neg: false };
  }

  private interp(args: unknown[], depth: number): Rendered | null {
    if (args.length !== 2) return null;
    const x = this.render(args[0], depth).text;
    const points = args[1];
    const isTable =
      Array.isArray(points) && points.length > 0 && points.every((p) => Array.isArray(p) && p.length === 2);
    const table = isTable
      ? (points as unknown[][])
          .map((p) => `${this.operand(p[0], depth, P_ADD)}→${this.operand(p[1], depth, P_ADD)}`)
          .join(', ')
      : this.render(points, depth).text;
    return atom(`interp(${x}; ${table})`);
  }
}

function isOp(node: unknown, op: string): boolean {
  return (
    node !== null &&
    typeof node === 'object' &&
    !Array.isArray(node) &&
    Object.keys(node).length === 1 &&
    Object.prototype.hasOwnProperty.call(node, op)
  );
}

/** The arguments of an `if` / `?:` node, or null when `node` is not one. */
function conditionalArgs(node: unknown): unknown[] | null {
  for (const op of ['if', '?:']) {
    if (isOp(node, op)) {
      const raw = (node as Record<string, unknown>)[op];
      return Array.isArray(raw) ? raw : [raw];
    }
  }
  return null;
}
