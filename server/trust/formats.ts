/**
 * What publishing needs (SPEC section 11): a 文号 and a date. A 文号 follows GB/T 9704-2012:
 * the issuer's abbreviation, the year in 〔〕 and a serial number without leading zeros, then 号 —
 * `吉环考〔2026〕3号`. Dates are real calendar dates as `YYYY-MM-DD`.
 */
import { ValidationError, type ImportProblem } from '../db/errors.ts';

/** Issuer (1–20 Chinese characters or Latin letters), 〔year〕, number (no leading zero), 号. */
export const DOC_NUMBER = /^[\p{Script=Han}A-Za-z]{1,20}〔(1[9]\d{2}|2\d{3})〕([1-9]\d{0,5})号$/u;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** `date` + `days` calendar days, as `YYYY-MM-DD`. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The problem with a 文号, or undefined when it is well-formed. */
export function docNumberProblem(value: unknown, path = '/docNumber'): ImportProblem | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === ''))
    return { path, code: 'required', message: '发布需要文号 / publishing needs a docNumber (文号)' };
  if (typeof value !== 'string' || !DOC_NUMBER.test(value))
    return {
      path,
      code: 'invalid_doc_number',
      message: `文号格式应如 吉环考〔2026〕3号(机关代字、〔年份〕、不带前导零的序号、号) / docNumber must look like 吉环考〔2026〕3号 (issuer, year in 〔〕, number without leading zeros, 号), not ${JSON.stringify(String(value)).slice(0, 60)}`,
    };
  return undefined;
}

/** The problem with a required date, or undefined. */
export function dateProblem(value: unknown, path: string, name: string): ImportProblem | undefined {
  if (value === undefined || value === null || value === '')
    return {
      path,
      code: 'required',
      message: `发布需要日期 ${name} / publishing needs ${name} (YYYY-MM-DD)`,
    };
  if (!isDate(value))
    return {
      path,
      code: 'invalid_date',
      message: `${name} 必须是有效的 YYYY-MM-DD 日期 / ${name} must be a valid YYYY-MM-DD date`,
    };
  return undefined;
}

/** Throws ValidationError listing every problem (code `invalid_publication`). */
export function requireValid(problems: (ImportProblem | undefined)[]): void {
  const list = problems.filter((p): p is ImportProblem => p !== undefined);
  if (list.length)
    throw new ValidationError(
      `发布信息无效 / invalid publication details: ${list.map((p) => p.message).join('; ')}`,
      list,
      'invalid_publication',
    );
}

/** Whether four eyes apply: on unless `ECOSCORE_FOUR_EYES` is 0/false/no/off. */
export function fourEyesFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.ECOSCORE_FOUR_EYES?.trim().toLowerCase();
  return !(v === '0' || v === 'false' || v === 'no' || v === 'off');
}
