/**
 * Document tests made from a region's data in one click: the region's values for the declared
 * inputs, and the current result as the expectation (total, grades, triggered adjustments).
 */
import type { DocumentTest, RegionResult } from '$lib/engine.ts';

interface DocLike {
  inputs?: { key: string; previous?: string }[];
  tests?: { name: string }[];
}

export function testFromRegion(
  doc: DocLike,
  region: { code: string; name: string; values: Record<string, unknown>; previous?: Record<string, unknown> },
  result: RegionResult,
  year: number | null,
): DocumentTest {
  const inputs: Record<string, number | boolean | string> = {};
  for (const i of doc.inputs ?? []) {
    const v = region.values[i.key];
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') inputs[i.key] = v;
  }
  // Last year's values the region was scored with (its own or the stored year before), for the
  // inputs that declare them: the test then scores as the preview did.
  const previous: Record<string, number | boolean | string> = {};
  for (const i of doc.inputs ?? []) {
    if (i.previous !== 'required' && i.previous !== 'optional') continue;
    const v = region.previous?.[i.key];
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') previous[i.key] = v;
  }
  const base = `${region.name}${year ? ` ${year}` : ''}`;
  const names = new Set((doc.tests ?? []).map((t) => t.name));
  let name = base;
  for (let n = 2; names.has(name); n++) name = `${base} (${n})`;
  return {
    name,
    inputs,
    ...(Object.keys(previous).length > 0 ? { previous } : {}),
    expect: {
      total: result.total,
      scoreGrade: result.scoreGrade,
      grade: result.grade,
      vetoes: [...result.vetoes],
      downgrades: [...result.downgrades],
      caps: [...result.caps],
    },
  };
}

/**
 * "采用实际结果": after a legitimate change, the failed expectations of a test take the values the
 * engine computed (only the fields that failed; the rest of the test stays as written).
 */
export function adoptActual(
  test: { expect?: Record<string, unknown> },
  failures: readonly { field: string; actual: unknown }[],
): void {
  const expect = (test.expect ??= {});
  for (const f of failures) {
    if (f.field.startsWith('items/')) {
      const items = ((expect.items as Record<string, unknown> | undefined) ??= {});
      const id = f.field.slice('items/'.length);
      if (f.actual === null || f.actual === undefined) delete items[id];
      else items[id] = f.actual;
    } else expect[f.field] = Array.isArray(f.actual) ? [...f.actual] : f.actual;
  }
}
