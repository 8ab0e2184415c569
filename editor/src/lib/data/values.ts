/**
 * Values of the yearly data for reading (the data page's import preview, 上年值 column and select
 * cells): booleans as 是/否, labelled choices (schema version 2) by their label, absent as '—'.
 */
import type { Input } from '$engine/types.ts';
import { choiceText } from '$lib/editor/choices.ts';
import { choiceValue } from '$engine/document/v2.ts';

/** A value for reading in `lang`; `yes` and `no` are the page's words for booleans. */
export function valueText(
  value: unknown,
  input: Input | undefined,
  words: { yes: string; no: string; lang: 'zh' | 'en' },
): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? words.yes : words.no;
  return choiceText(input, value, words.lang);
}

/** A stored value given as JSON text (the import preview's before and after), for reading. */
export function jsonValueText(
  json: string | null,
  input: Input | undefined,
  words: { yes: string; no: string; lang: 'zh' | 'en' },
): string {
  if (json === null) return '—';
  try {
    return valueText(JSON.parse(json) as unknown, input, words);
  } catch {
    return json;
  }
}

/** The options of a select cell: each choice's value with its label (or the value) as its text. */
export function choiceOptions(input: Input, lang: 'zh' | 'en'): { value: string; text: string }[] {
  return (input.enum ?? []).map((e) => {
    const v = choiceValue(e);
    return { value: String(v), text: choiceText(input, v, lang) };
  });
}
