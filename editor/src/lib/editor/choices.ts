/**
 * Labelled choices (schema version 2, SPEC section 9): an input's `enum` lists plain values or
 * `{ value, label: { zh, en? } }`. The draft editor edits each choice's value and labels; pages show
 * a value by its label (`major` → 重大(Ⅱ级)). Reading typed text as a choice is the engine's
 * `choiceFromText` (the same rule data files follow), not another parser.
 */
import { choiceLabel, choiceValue, isChoice } from '$engine/document/v2.ts';
import type { Input } from '$engine/types.ts';

type Scalar = string | number | boolean;
/* eslint-disable @typescript-eslint/no-explicit-any */
type EditableInput = { type?: unknown; enum?: any[] };

/** One choice as the editor's row shows it. */
export interface ChoiceRow {
  value: Scalar;
  zh: string;
  en: string;
}

/** The choices of an input, one row each (plain values with empty labels). */
export function choiceRows(input: EditableInput): ChoiceRow[] {
  return (Array.isArray(input.enum) ? input.enum : []).map((e) =>
    isChoice(e)
      ? { value: e.value as Scalar, zh: e.label?.zh ?? '', en: e.label?.en ?? '' }
      : { value: e as Scalar, zh: '', en: '' },
  );
}

/** A value typed for a choice, read as the input's type (numbers for number inputs when they read). */
export function typedValue(input: EditableInput, text: string): Scalar {
  const s = text.trim();
  if (input.type === 'number' || input.type === 'integer') {
    const n = Number(s);
    return s !== '' && Number.isFinite(n) ? n : s;
  }
  if (input.type === 'boolean') return s === 'true' ? true : s === 'false' ? false : s;
  return s;
}

/** The enum entry of a row: labelled when it has a Chinese or English label, plain otherwise. */
function entryOf(row: ChoiceRow): unknown {
  if (row.zh === '' && row.en === '') return row.value;
  return { value: row.value, label: row.en === '' ? { zh: row.zh } : { zh: row.zh, en: row.en } };
}

function write(input: EditableInput, rows: ChoiceRow[]): void {
  if (rows.length === 0) delete input.enum;
  else input.enum = rows.map(entryOf);
}

/** Changes one field of choice `index` (value, Chinese or English label). */
export function setChoice(input: EditableInput, index: number, field: keyof ChoiceRow, text: string): void {
  const rows = choiceRows(input);
  const row = rows[index];
  if (!row) return;
  if (field === 'value') row.value = typedValue(input, text);
  else row[field] = text.trim();
  write(input, rows);
}

/** Adds an empty choice at the end (a value to fill in; `choice_N` for text inputs). */
export function addChoice(input: EditableInput): void {
  const rows = choiceRows(input);
  const taken = new Set(rows.map((r) => String(r.value)));
  let value: Scalar;
  if (input.type === 'number' || input.type === 'integer') {
    let n = rows.length;
    while (taken.has(String(n))) n++;
    value = n;
  } else {
    let n = rows.length + 1;
    while (taken.has(`choice_${n}`)) n++;
    value = `choice_${n}`;
  }
  write(input, [...rows, { value, zh: '', en: '' }]);
}

export function removeChoice(input: EditableInput, index: number): void {
  write(
    input,
    choiceRows(input).filter((_, i) => i !== index),
  );
}

/**
 * A value of an input for people: a labelled choice's label in the language asked (falling back to
 * Chinese), else the value itself.
 */
export function choiceText(
  input: Pick<Input, 'enum'> | undefined,
  value: unknown,
  lang: 'zh' | 'en',
): string {
  const l = input ? choiceLabel(input, value) : undefined;
  if (l) return lang === 'en' && l.en ? l.en : l.zh;
  return value === null || value === undefined ? '' : String(value);
}

/** The plain values of an input's choices (what is stored and compared). */
export function choiceValues(input: Pick<Input, 'enum'>): Scalar[] {
  return (input.enum ?? []).map((e) => choiceValue(e) as Scalar);
}
