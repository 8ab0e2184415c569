/** What the semantic checks (semantic.ts, sections.ts, formula.ts, version2.ts) share. */
import { FORBIDDEN_OPERATIONS } from '../logic/operations.ts';

/** Names that can never be keys or ids: they reach JavaScript's object prototype. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const LIMITS = {
  documentBytes: 1024 * 1024,
  formulaDepth: 64,
  inputs: 2000,
  items: 2000,
} as const;

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const FORBIDDEN: ReadonlySet<string> = new Set(FORBIDDEN_OPERATIONS);

/** Whether a scalar fits an input type. */
export function valueFitsType(v: unknown, type: string | null): boolean {
  switch (type) {
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    default:
      return true;
  }
}

export function escape(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
export function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
