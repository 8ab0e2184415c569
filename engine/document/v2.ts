/**
 * Schema version 2 of the rule document (SPEC section 9), the parts every stage shares: labelled
 * choices, previous-year names (`prev.KEY`), parameters, the rubric's logic hash, and the fields
 * a version-1 document may not carry.
 */
import type { Choice, Input, Label, RuleDocument, Scalar } from '../types.ts';
import { contentHash } from '../hash/content-hash.ts';

/** How a formula names last year's value of an input: `prev.pm25`. */
export const PREV_PREFIX = 'prev.';

/** The formula name of last year's value of input `key`. */
export function prevName(key: string): string {
  return PREV_PREFIX + key;
}

/** The input key of a `prev.KEY` name, or null when `name` is not one. */
export function prevKeyOf(name: string): string | null {
  return name.startsWith(PREV_PREFIX) ? name.slice(PREV_PREFIX.length) : null;
}

/** Whether an enum entry is a labelled choice (`{ value, label }`). */
export function isChoice(e: unknown): e is Choice {
  return typeof e === 'object' && e !== null && !Array.isArray(e) && 'value' in e;
}

/** The value of an enum entry (a labelled choice's `value`, or the entry itself). */
export function choiceValue(e: unknown): unknown {
  return isChoice(e) ? e.value : e;
}

/** The allowed values of an input's enum, labels dropped (undefined when it has no enum). */
export function enumValues(input: Pick<Input, 'enum'>): Scalar[] | undefined {
  return input.enum?.map((e) => choiceValue(e) as Scalar);
}

/** The label of a value of an input's enum, when the choice is labelled. */
export function choiceLabel(input: Pick<Input, 'enum'>, value: unknown): Label | undefined {
  for (const e of input.enum ?? []) if (isChoice(e) && e.value === value) return e.label;
  return undefined;
}

/**
 * The value a typed or pasted text stands for: a choice's value, or the value whose Chinese (or
 * English) label it is. Undefined when the text names no choice.
 *
 * @example choiceFromText({ enum: [{ value: 'major', label: { zh: '重大' } }] }, '重大') // 'major'
 */
export function choiceFromText(input: Pick<Input, 'enum'>, text: string): Scalar | undefined {
  const t = text.trim();
  for (const e of input.enum ?? []) if (String(choiceValue(e)) === t) return choiceValue(e) as Scalar;
  for (const e of input.enum ?? []) if (isChoice(e) && e.label.zh === t) return e.value;
  for (const e of input.enum ?? [])
    if (isChoice(e) && e.label.en !== undefined && e.label.en === t) return e.value;
  return undefined;
}

/** Whether any choice of the input is labelled. */
export function hasLabelledChoices(input: Pick<Input, 'enum'>): boolean {
  return (input.enum ?? []).some(isChoice);
}

/** An input with plain enum values (what evaluation compares against). */
export function plainInput(input: Input): Input {
  if (!input.enum || !hasLabelledChoices(input)) return input;
  return { ...input, enum: enumValues(input) as [Scalar, ...Scalar[]] };
}

/** The inputs that declare `previous`, in document order. */
export function previousInputs(doc: Pick<RuleDocument, 'inputs'>): Input[] {
  return doc.inputs.filter((i) => i.previous === 'required' || i.previous === 'optional');
}

/** The hash a rubric's `forLogic` must carry for a formula: SHA-256 of its canonical JSON. */
export function logicHash(logic: unknown): string {
  return contentHash(logic);
}

/** Fields of schema version 2, by where they may appear (for refusing them in version 1). */
export const VERSION_2_FIELDS = {
  document: ['parameters'],
  input: ['previous'],
  category: ['notApplicable'],
  item: ['applies', 'basis', 'rubric'],
  rule: ['basis', 'rubric'],
  test: ['previous'],
} as const;
