/**
 * Straight-line numeric programs: the formulas of a document whose every value is statically a
 * number or a boolean, compiled into one flat program over a Float64Array of registers, that runs
 * without a call, a branch between formulas or an allocation.
 *
 * Which formulas qualify: every operand, down to the leaves, is a literal number or boolean, or a
 * variable that after the input checks always holds a number or a boolean (an input of type
 * number, integer or boolean that is required or has a default, or a derived value computed here
 * as well), and every operation is one whose json-logic-js semantics on numbers and booleans is
 * plain IEEE arithmetic (below). Anything else — strings, null, arrays, `missing`, a variable that
 * may be absent, an arity json-logic-js treats specially — leaves the formula to the closures of
 * logic.ts, whose results these programs reproduce exactly (test/compile-equivalence.test.ts).
 *
 * Booleans are held as 1 and 0, which is what every operation accepted here makes of them
 * (ToNumber in `-`, `/`, `%`, `max`, `min`, relations, `==`, and `Number` in the custom
 * operations); `+` and `*`, which apply `parseFloat` (NaN for a boolean), take numbers only, and
 * `===`/`!==` compare types first. Since none of these operations can throw or has an effect, both
 * branches of an `if` (and every operand of `and`/`or`) are computed and the right one selected,
 * which leaves the program without jumps.
 */
import { interpAt, interpTable, type InterpTable } from '../logic/operations.ts';
import { fastRoundHalfAway } from './round.ts';

/** A value's static type: a number, or a boolean held as 1 or 0. */
export type VmType = 'number' | 'boolean';

/** Where a compiled formula leaves its value, and its type. */
export interface VmValue {
  reg: number;
  type: VmType;
}

// Opcodes. Every instruction is five integers: opcode, target register, three operands (registers,
// or an immediate for INTERP and ROUND).
const ADD = 0; // (a + 0) + (b + 0): parseFloat of a number, then +
const MUL = 1; // (a + 0) * (b + 0)
const SUB = 2;
const NEG = 3;
const DIV = 4;
const MOD = 5;
const MAX = 6;
const MIN = 7;
const LT = 8;
const LE = 9;
const GT = 10;
const GE = 11;
const EQ = 12;
const NE = 13;
const NOT = 14; // !truthy(a)
const TRUTH = 15; // truthy(a)
const SEL = 16; // truthy(a) ? b : c
const CLAMP = 17; // opClamp(a, b, c)
const INTERP = 18; // interpAt(tables[imm], a)
const ROUND = 19; // round(a, imm)
const POS = 20; // a + 0 (parseFloat of one number)

const WIDTH = 5;

/**
 * A program, and its registers for `lanes` regions at once: register k of lane j is
 * `regs[k * lanes + j]`. Registers are the slots' values first (same indexes as the slots), then
 * literals (set in every lane), then results.
 */
export interface VmProgram {
  code: Int32Array;
  regs: Float64Array;
  tables: InterpTable[];
  /** How many regions one run scores together (see MAX_LANES). */
  lanes: number;
}

/**
 * How many regions one run of a program scores together, at most. Each instruction is decoded
 * once per run and applied to every lane in a tight loop, so that decoding — most of an
 * interpreter's cost — is shared by up to this many regions. Large programs get fewer lanes, so
 * that their registers stay within REGISTER_BYTES.
 */
export const MAX_LANES = 128;
const REGISTER_BYTES = 2 * 1024 * 1024;

/** JSON-logic's test for an operation: an object with exactly one key. */
function isLogic(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1;
}

/** The value of a formula without operations (arrays of literals), or undefined if it has some. */
function literalOf(logic: unknown): { value: unknown } | undefined {
  if (Array.isArray(logic)) {
    for (const x of logic) if (!literalOf(x)) return undefined;
    return { value: logic };
  }
  return isLogic(logic) ? undefined : { value: logic };
}

/**
 * Builds one program for a document, formula by formula (see the module comment).
 *
 * @param typeOfSlot the register and type of a variable name that always holds a number or a
 *   boolean when formulas run, or undefined
 */
export class VmBuilder {
  private readonly code: number[] = [];
  private readonly inits: [number, number][] = [];
  private readonly literals = new Map<string, number>();
  private readonly tables: InterpTable[] = [];
  private readonly names = new Map<string, VmValue>();
  private next: number;

  constructor(slotCount: number) {
    this.next = slotCount;
  }

  /** Declares a variable that always holds a value of this type, in this register. */
  declare(name: string, value: VmValue): void {
    this.names.set(name, value);
  }

  /** Declares a variable with a constant number or boolean value (a schema version 2 parameter). */
  constant(name: string, value: number | boolean): void {
    this.names.set(
      name,
      typeof value === 'number' ? this.literal(value, 'number') : this.literal(value ? 1 : 0, 'boolean'),
    );
  }

  /** Forgets a variable (a derived value computed outside the program). */
  undeclare(name: string): void {
    this.names.delete(name);
  }

  /** Where the program is: formulas compiled from here on run after this point. */
  get position(): number {
    return this.code.length;
  }

  /**
   * Compiles a formula; undefined (and nothing emitted) when it does not qualify, or when its
   * value is not of the type required.
   */
  formula(logic: unknown, type?: VmType): VmValue | undefined {
    const mark = this.code.length;
    let v = this.node(logic);
    if (v && type && v.type !== type) v = undefined;
    if (!v) this.code.length = mark;
    return v;
  }

  build(): VmProgram {
    const lanes = Math.max(1, Math.min(MAX_LANES, Math.floor(REGISTER_BYTES / (8 * this.next))));
    const regs = new Float64Array(this.next * lanes);
    for (const [reg, value] of this.inits) regs.fill(value, reg * lanes, (reg + 1) * lanes);
    return { code: Int32Array.from(this.code), regs, tables: this.tables, lanes };
  }

  private literal(value: number, type: VmType): VmValue {
    const key = `${type}:${Object.is(value, -0) ? '-0' : String(value)}`;
    let reg = this.literals.get(key);
    if (reg === undefined) {
      reg = this.next++;
      this.literals.set(key, reg);
      this.inits.push([reg, value]);
    }
    return { reg, type };
  }

  private emit(op: number, a: number, b = a, c = a): number {
    const reg = this.next++;
    this.code.push(op, reg, a, b, c);
    return reg;
  }

  private node(logic: unknown): VmValue | undefined {
    if (Array.isArray(logic)) return undefined;
    if (!isLogic(logic)) {
      if (typeof logic === 'number') return this.literal(logic, 'number');
      if (typeof logic === 'boolean') return this.literal(logic ? 1 : 0, 'boolean');
      return undefined;
    }
    const op = Object.keys(logic)[0];
    const raw = logic[op];
    const values = Array.isArray(raw) ? raw : [raw];
    const n = values.length;
    if (op === 'var') {
      // A literal name of a variable that is always set; a default, if any, is a literal.
      const name = values[0];
      if (n > 2 || typeof name !== 'string') return undefined;
      if (n === 2 && !literalOf(values[1])) return undefined;
      return this.names.get(name);
    }
    if (op === 'interp') {
      if (n !== 2) return undefined;
      const points = literalOf(values[1]);
      const table = points ? interpTable(points.value) : null;
      if (!table) return undefined;
      const x = this.node(values[0]);
      if (!x) return undefined;
      this.tables.push(table);
      return { reg: this.emit(INTERP, x.reg, x.reg, this.tables.length - 1), type: 'number' };
    }
    if (op === 'round') {
      if (n !== 1 && n !== 2) return undefined;
      const digits = n === 1 ? 0 : values[1];
      if (typeof digits !== 'number' || !Number.isInteger(digits) || digits < 0 || digits > 15)
        return undefined;
      const x = this.node(values[0]);
      if (!x) return undefined;
      return { reg: this.emit(ROUND, x.reg, x.reg, digits), type: 'number' };
    }
    const args: VmValue[] = [];
    for (const v of values) {
      const a = this.node(v);
      if (!a) return undefined;
      args.push(a);
    }
    const allNumbers = args.every((a) => a.type === 'number');
    const num = (reg: number): VmValue => ({ reg, type: 'number' });
    const bool = (reg: number): VmValue => ({ reg, type: 'boolean' });
    switch (op) {
      case '+': {
        if (!allNumbers) return undefined;
        if (n === 0) return this.literal(0, 'number');
        let acc = this.emit(POS, args[0].reg);
        for (let i = 1; i < n; i++) acc = this.emit(ADD, acc, args[i].reg);
        return num(acc);
      }
      case '*': {
        if (n === 0) return undefined; // reduce of nothing throws
        if (n === 1) return args[0]; // returned unchanged
        if (!allNumbers) return undefined;
        let acc = args[0].reg;
        for (let i = 1; i < n; i++) acc = this.emit(MUL, acc, args[i].reg);
        return num(acc);
      }
      case '-':
        if (n === 1) return num(this.emit(NEG, args[0].reg));
        if (n === 2) return num(this.emit(SUB, args[0].reg, args[1].reg));
        return undefined;
      case '/':
        return n === 2 ? num(this.emit(DIV, args[0].reg, args[1].reg)) : undefined;
      case '%':
        return n === 2 ? num(this.emit(MOD, args[0].reg, args[1].reg)) : undefined;
      case 'max':
      case 'min': {
        if (n === 0) return undefined;
        const code = op === 'max' ? MAX : MIN;
        // Math.max(a) is ToNumber(a): a itself, or 1 or 0 for a boolean.
        let acc = args[0].reg;
        if (n === 1) return num(this.emit(code, acc, acc));
        for (let i = 1; i < n; i++) acc = this.emit(code, acc, args[i].reg);
        return num(acc);
      }
      case '<':
      case '<=': {
        const code = op === '<' ? LT : LE;
        if (n === 2) return bool(this.emit(code, args[0].reg, args[1].reg));
        if (n !== 3) return undefined;
        const ab = this.emit(code, args[0].reg, args[1].reg);
        const bc = this.emit(code, args[1].reg, args[2].reg);
        return bool(this.emit(SEL, ab, bc, ab));
      }
      case '>':
      case '>=':
        return n === 2 ? bool(this.emit(op === '>' ? GT : GE, args[0].reg, args[1].reg)) : undefined;
      case '==':
      case '!=':
        // Loose equality of numbers and booleans compares ToNumber of both: 1 and 0 as held.
        return n === 2 ? bool(this.emit(op === '==' ? EQ : NE, args[0].reg, args[1].reg)) : undefined;
      case '===':
      case '!==': {
        if (n !== 2) return undefined;
        if (args[0].type !== args[1].type) return this.literal(op === '===' ? 0 : 1, 'boolean');
        return bool(this.emit(op === '===' ? EQ : NE, args[0].reg, args[1].reg));
      }
      case '!':
      case '!!':
        return n === 1 ? bool(this.emit(op === '!' ? NOT : TRUTH, args[0].reg)) : undefined;
      case 'if':
      case '?:': {
        // Pairs of condition and value, then the value otherwise; an even count may give null.
        if (n % 2 === 0) return undefined;
        let acc = args[n - 1];
        for (let i = n - 3; i >= 0; i -= 2) {
          const then = args[i + 1];
          if (then.type !== acc.type) return undefined;
          acc = { reg: this.emit(SEL, args[i].reg, then.reg, acc.reg), type: acc.type };
        }
        return acc;
      }
      case 'and':
      case 'or': {
        // The first falsy (and) or truthy (or) operand, else the last.
        if (n === 0) return undefined;
        let acc = args[n - 1];
        for (let i = n - 2; i >= 0; i--) {
          const x = args[i];
          if (x.type !== acc.type) return undefined;
          acc = {
            reg: op === 'and' ? this.emit(SEL, x.reg, acc.reg, x.reg) : this.emit(SEL, x.reg, x.reg, acc.reg),
            type: acc.type,
          };
        }
        return acc;
      }
      case 'clamp':
        return n === 3 ? num(this.emit(CLAMP, args[0].reg, args[1].reg, args[2].reg)) : undefined;
      default:
        return undefined;
    }
  }
}

/**
 * Runs the instructions of a program from `start` to `end` (positions from VmBuilder.position) in
 * lanes 0 to `lanes` − 1.
 */
export function runVm(p: VmProgram, start: number, end: number, lanes: number): void {
  const code = p.code;
  const r = p.regs;
  const m = lanes;
  const L = p.lanes;
  for (let pc = start; pc < end; pc += WIDTH) {
    const d = code[pc + 1] * L;
    const a = code[pc + 2] * L;
    const b = code[pc + 3] * L;
    switch (code[pc]) {
      case ADD:
        for (let i = 0; i < m; i++) r[d + i] = r[a + i] + 0 + (r[b + i] + 0);
        break;
      case MUL:
        for (let i = 0; i < m; i++) r[d + i] = (r[a + i] + 0) * (r[b + i] + 0);
        break;
      case SUB:
        for (let i = 0; i < m; i++) r[d + i] = r[a + i] - r[b + i];
        break;
      case NEG:
        for (let i = 0; i < m; i++) r[d + i] = -r[a + i];
        break;
      case DIV:
        for (let i = 0; i < m; i++) r[d + i] = r[a + i] / r[b + i];
        break;
      case MOD:
        for (let i = 0; i < m; i++) r[d + i] = r[a + i] % r[b + i];
        break;
      case MAX:
        for (let i = 0; i < m; i++) r[d + i] = Math.max(r[a + i], r[b + i]);
        break;
      case MIN:
        for (let i = 0; i < m; i++) r[d + i] = Math.min(r[a + i], r[b + i]);
        break;
      case LT:
        for (let i = 0; i < m; i++) r[d + i] = r[a + i] < r[b + i] ? 1 : 0;
        break;
      case LE:
        for (let i = 0; i < m; i++) r[d + i] = r[a + i] <= r[b + i] ? 1 : 0;
        break;
      case GT:
        for (let i = 0; i < m; i++) r[d + i] = r[a + i] > r[b + i] ? 1 : 0;
        break;
      case GE:
        for (let i = 0; i < m; i++) r[d + i] = r[a + i] >= r[b + i] ? 1 : 0;
        break;
      case EQ:
        for (let i = 0; i < m; i++) r[d + i] = r[a + i] === r[b + i] ? 1 : 0;
        break;
      case NE:
        for (let i = 0; i < m; i++) r[d + i] = r[a + i] !== r[b + i] ? 1 : 0;
        break;
      case NOT:
        for (let i = 0; i < m; i++) {
          const x = r[a + i];
          r[d + i] = x === x && x !== 0 ? 0 : 1;
        }
        break;
      case TRUTH:
        for (let i = 0; i < m; i++) {
          const x = r[a + i];
          r[d + i] = x === x && x !== 0 ? 1 : 0;
        }
        break;
      case SEL: {
        const c = code[pc + 4] * L;
        for (let i = 0; i < m; i++) {
          const x = r[a + i];
          r[d + i] = x === x && x !== 0 ? r[b + i] : r[c + i];
        }
        break;
      }
      case CLAMP: {
        const c = code[pc + 4] * L;
        for (let i = 0; i < m; i++) {
          const x = r[a + i];
          const lo = r[b + i];
          const hi = r[c + i];
          r[d + i] = x !== x || lo !== lo || hi !== hi ? NaN : Math.min(Math.max(x, lo), hi);
        }
        break;
      }
      case INTERP: {
        const table = p.tables[code[pc + 4]];
        for (let i = 0; i < m; i++) r[d + i] = interpAt(table, r[a + i]);
        break;
      }
      case ROUND: {
        const digits = code[pc + 4];
        for (let i = 0; i < m; i++) {
          const x = r[a + i];
          r[d + i] = x - x === 0 ? fastRoundHalfAway(x, digits) : x;
        }
        break;
      }
      case POS:
        for (let i = 0; i < m; i++) r[d + i] = r[a + i] + 0;
        break;
      default:
        for (let i = 0; i < m; i++) r[d + i] = NaN;
    }
  }
}
