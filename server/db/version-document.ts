/**
 * What a stored rule document must be even as a draft (a JSON object of at most 1 MiB with a valid
 * family and year), and the blank document a new family starts from.
 */
import type { RuleDocument } from '../../engine/types.ts';
import { ValidationError, type ImportProblem } from './errors.ts';

/** The largest document accepted (SPEC section 2: 1 MiB). */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;
const FAMILY = /^[a-z0-9-]+$/;

/** A minimal document for a blank draft: the structure, no inputs or items yet. */
export function blankDocument(family: string, year: number): RuleDocument {
  return {
    schemaVersion: 1,
    family,
    year,
    title: { zh: `${year}年度考核细则`, en: `${year} assessment rules` },
    maxScore: 100,
    precision: 2,
    inputs: [],
    categories: [],
    grades: [
      { id: 'excellent', label: { zh: '优秀', en: 'Excellent' }, min: 90 },
      { id: 'good', label: { zh: '良好', en: 'Good' }, min: 80 },
      { id: 'qualified', label: { zh: '合格', en: 'Qualified' }, min: 60 },
      { id: 'unqualified', label: { zh: '不合格', en: 'Unqualified' }, min: 0 },
    ],
  };
}

/**
 * The minimum a stored document must satisfy, even as a draft: a JSON object of at most 1 MiB with
 * a valid `family` and an integer `year` (everything else is checked by validation and at publish).
 */
export function checkStorable(doc: unknown): { doc: RuleDocument; text: string } {
  const problems: ImportProblem[] = [];
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ValidationError('规则文档必须是 JSON 对象 / the rule document must be a JSON object', [
      {
        path: '',
        code: 'invalid_type',
        message: '规则文档必须是 JSON 对象 / the rule document must be a JSON object',
      },
    ]);
  }
  const d = doc as Record<string, unknown>;
  if (typeof d.family !== 'string' || !FAMILY.test(d.family))
    problems.push({
      path: '/family',
      code: 'invalid_family',
      message: 'family 必须是由小写字母、数字和 - 组成的非空字符串 / family must match ^[a-z0-9-]+$',
    });
  if (typeof d.year !== 'number' || !Number.isInteger(d.year) || d.year < 1900 || d.year > 2999)
    problems.push({
      path: '/year',
      code: 'invalid_year',
      message: 'year 必须是 1900–2999 的整数 / year must be an integer 1900–2999',
    });
  const text = JSON.stringify(doc);
  if (Buffer.byteLength(text, 'utf8') > MAX_DOCUMENT_BYTES)
    problems.push({
      path: '',
      code: 'document_too_large',
      message: `规则文档超过 1 MiB / the rule document exceeds 1 MiB (${Buffer.byteLength(text, 'utf8')} bytes)`,
    });
  if (problems.length)
    throw new ValidationError('规则文档无法保存 / the rule document cannot be stored', problems);
  return { doc: doc as RuleDocument, text };
}
