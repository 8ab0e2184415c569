/**
 * Whole documents evaluated by the compiled pipeline (engine/compile/) and the interpreted one
 * (engine/evaluate/score.ts): byte-identical JSON, traces included.
 *
 * 4. The sample rule family on every year's sample data, the golden cases, and random mutations of
 *    documents and data; datasets of several groups of regions (the compiled pipeline scores
 *    regions in groups), and region by region against all at once.
 * 5. Schema version 2: random version-2 documents and data.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { evaluate, validateDocument, type Dataset, type RuleDocument } from '../engine/index.ts';
import { compiledDocumentFor, scoreRegionCompiled, scoreRegionsCompiled } from '../engine/compile/index.ts';
import { prepareDocument } from '../engine/evaluate/index.ts';
import { loadCases } from './cases/load.ts';
import { bothModes, dataOf, docOf, formulaArb, YEARS } from './helpers/equivalence.ts';

// ---------------------------------------------------------------------------------------------
// 4. Whole documents
describe('whole documents: byte-identical in both modes, traces included', () => {
  test.each(YEARS.flatMap((d) => YEARS.map((y) => [d, y] as const)))('rules %i on the data of %i', (d, y) => {
    bothModes(docOf(d), dataOf(y));
  });

  test.each(loadCases().map((c) => [c.name, c] as const))('golden case %s', (_name, c) => {
    bothModes(c.document, c.data);
  });

  test('a bonus cap finer than the precision', () => {
    for (const cap of [2.555, 0.004, 7.5]) {
      const doc = docOf(2025);
      doc.precision = 2;
      doc.bonus = { ...doc.bonus!, cap };
      bothModes(doc, dataOf(2025));
    }
  });

  test('default mode is the compiled one and equals the interpreted one', () => {
    const doc = docOf(2025);
    const data = dataOf(2025);
    expect(JSON.stringify(evaluate(doc, data))).toBe(
      JSON.stringify(evaluate(doc, data, { mode: 'interpreted' })),
    );
  });

  test('random damage to the data: missing, wrong-typed, out-of-range, null and undeclared values', () => {
    const doc = docOf(2025);
    const base = dataOf(2025);
    const keys = doc.inputs.map((i) => i.key);
    const damage = fc.record({
      region: fc.nat(base.regions.length - 1),
      key: fc.constantFrom(...keys, 'undeclared_key'),
      value: fc.oneof(
        fc.constant(undefined),
        fc.constant(null),
        fc.constantFrom(-1, 1e9, 0.5, 'text', true, Number.NaN, ''),
        fc.double(),
      ),
    });
    fc.assert(
      fc.property(fc.array(damage, { minLength: 1, maxLength: 6 }), (changes) => {
        const data = structuredClone(base);
        for (const ch of changes) {
          const values = data.regions[ch.region].values;
          if (ch.value === undefined) delete values[ch.key];
          else values[ch.key] = ch.value;
        }
        bothModes(doc, data);
      }),
      { numRuns: 150 },
    );
  });

  test('regions whose values come in different key orders and key sets', () => {
    const doc = docOf(2024);
    const base = dataOf(2024);
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { minLength: base.regions.length * 3, maxLength: base.regions.length * 3 }),
        (seeds) => {
          const regions = [...base.regions, ...base.regions, ...base.regions].map((r, i) => {
            const entries = Object.entries(r.values);
            const s = seeds[i];
            // a different order, sometimes a key dropped or an undeclared one added
            entries.sort((a, b) => ((a[0].length * 31 + s) % 7) - ((b[0].length * 31 + s) % 7));
            if (s % 5 === 0) entries.pop();
            if (s % 7 === 0) entries.push(['extra_key', 1]);
            return { ...r, code: `${r.code}-${i}`, values: Object.fromEntries(entries) };
          });
          bothModes(doc, { year: 2024, regions });
        },
      ),
      { numRuns: 25 },
    );
  });

  test('random formulas in a real document: items, bonus, derived values and conditions', () => {
    const base = docOf(2025);
    const data = dataOf(2025);
    const names = [...base.inputs.map((i) => i.key), ...(base.derived ?? []).map((d) => d.key)];
    const inputNames = base.inputs.map((i) => i.key);
    const site = fc.constantFrom('item', 'bonus', 'derived', 'downgrade', 'cap', 'veto');
    let checked = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(site, fc.nat(40), formulaArb(names, 3), formulaArb(inputNames, 3)), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          const doc = structuredClone(base);
          const items = doc.categories.flatMap((c) => c.items);
          for (const [where, i, f, g] of edits) {
            if (where === 'item') items[i % items.length].logic = f as never;
            else if (where === 'bonus' && doc.bonus?.items?.length)
              doc.bonus.items[i % doc.bonus.items.length].logic = f as never;
            else if (where === 'derived' && doc.derived?.length)
              doc.derived[i % doc.derived.length].logic = g as never;
            else if (where === 'downgrade' && doc.downgrades?.length)
              doc.downgrades[i % doc.downgrades.length].when = f as never;
            else if (where === 'cap' && doc.caps?.length) doc.caps[i % doc.caps.length].when = f as never;
            else if (where === 'veto' && doc.vetoes?.length)
              doc.vetoes[i % doc.vetoes.length].when = f as never;
          }
          if (validateDocument(doc, { runTests: false }).length > 0) return;
          checked++;
          bothModes(doc, data);
        },
      ),
      { numRuns: 200 },
    );
    expect(checked).toBeGreaterThan(20);
  });

  test('several groups of regions, some damaged, more than make a large dataset; region by region equals all at once', () => {
    const doc = docOf(2025);
    const base = dataOf(2025);
    const keys = doc.inputs.map((i) => i.key);
    const cd = compiledDocumentFor(prepareDocument(doc));
    // several groups, and more than 1,024 regions (results made by literals rather than constructors)
    const n = Math.max(1100, 2 * cd.program.lanes + 37);
    const regions = Array.from({ length: n }, (_, j) => {
      const from = base.regions[j % base.regions.length];
      const values: Record<string, unknown> = { ...from.values };
      for (const input of doc.inputs) {
        const v = values[input.key];
        if (typeof v !== 'number' || input.type !== 'number') continue;
        const x = v * (1 + (((j * 7919) % 101) - 50) / 1000);
        values[input.key] = Math.min(input.max ?? Infinity, Math.max(input.min ?? -Infinity, x));
      }
      const key = keys[(j * 31) % keys.length];
      if (j % 9 === 0) delete values[key];
      if (j % 13 === 0) values[key] = 'text';
      if (j % 17 === 0) values.undeclared_key = j;
      // last year's values (schema version 2) stay the sample's
      return { code: `R${j}`, name: `地区${j}`, values, previous: from.previous };
    });
    const data: Dataset = { year: 2025, regions };
    bothModes(doc, data);
    for (const trace of [false, true]) {
      const all = scoreRegionsCompiled(cd, regions, trace);
      const one = regions.map((r) => scoreRegionCompiled(cd, r, trace));
      expect(JSON.stringify(all)).toBe(JSON.stringify(one));
      expect(all.filter((o) => o.result).length).toBeGreaterThan(n / 2);
      expect(all.filter((o) => !o.result).length).toBeGreaterThan(10);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 5. Schema version 2 (SPEC section 9): parameters, labelled choices, last year's values,
//    applicability with both notApplicable rules — random documents and data, both modes.

/** The 2025 sample made a random version-2 document: the fields of section 9 on every part. */
function version2Arb(): fc.Arbitrary<{ doc: RuleDocument; data: Dataset }> {
  const base = docOf(2025);
  const data0 = dataOf(2025);
  const numeric = base.inputs.filter((i) => i.type === 'number').map((i) => i.key);
  const paramValue = fc.oneof(
    fc.constantFrom(0, 0.25, 0.5, 1, 2, 3.5, -1, 100),
    fc.boolean(),
    fc.constantFrom('', 'x', 'major'),
  );
  return fc
    .record({
      params: fc.array(paramValue, { minLength: 1, maxLength: 3 }),
      previous: fc.array(fc.tuple(fc.constantFrom(...numeric), fc.constantFrom('required', 'optional')), {
        minLength: 1,
        maxLength: 4,
      }),
      labelled: fc.boolean(),
      rules: fc.array(fc.constantFrom('full', 'rescale', undefined), { minLength: 4, maxLength: 4 }),
      applies: fc.array(fc.tuple(fc.nat(40), fc.nat(10)), { maxLength: 6 }),
      formulas: fc.array(fc.tuple(fc.nat(40), fc.nat(10)), { maxLength: 3 }),
      damage: fc.array(
        fc.tuple(
          fc.nat(20),
          fc.nat(5),
          fc.oneof(
            fc.constant(undefined),
            fc.constant(null),
            fc.constantFrom(-1, 1e9, 0.5, 'text', true, 12, '一般', 'general'),
          ),
        ),
        { maxLength: 4 },
      ),
      seed: fc.integer({ min: 1, max: 1000 }),
    })
    .map((r) => {
      const doc = structuredClone(base) as RuleDocument;
      doc.schemaVersion = 2;
      // the sample's own parameters stay (its formulas read them)
      doc.parameters = [
        ...(doc.parameters ?? []),
        ...r.params.map((value, i) => ({ key: `param_${i}`, label: { zh: `参数${i}` }, value })),
      ];
      const prevKeys: string[] = [];
      for (const [key, how] of r.previous) {
        const input = doc.inputs.find((i) => i.key === key)!;
        if (input.previous) continue;
        input.previous = how as 'required' | 'optional';
        prevKeys.push(key);
      }
      const level = doc.inputs.find((i) => i.key === 'incident_level')!;
      // the sample labels its levels: plain values, or labels of this test's own
      const levels = (level.enum as unknown[]).map((e) =>
        typeof e === 'object' && e !== null ? (e as { value: string }).value : e,
      ) as string[];
      level.enum = (
        r.labelled
          ? levels.map((v, i) => ({ value: v, label: { zh: ['无', '一般', '较大', '重大', '特别重大'][i] } }))
          : levels
      ) as never;
      doc.categories.forEach((c, i) => {
        if (r.rules[i]) c.notApplicable = r.rules[i] as 'full' | 'rescale';
      });
      const items = doc.categories.flatMap((c) => c.items);
      // Conditions over parameters, last year's values and labelled choices.
      const conditions = [
        { var: 'param_0' },
        { '<': [{ var: `prev.${prevKeys[0]}` }, { var: prevKeys[0] }] },
        { '!': { var: `prev.${prevKeys[prevKeys.length - 1]}` } },
        { '==': [{ var: 'incident_level' }, 'none'] },
        { '>': [{ var: 'pm25' }, 35] },
        { var: ['prev.' + prevKeys[0], 1] },
        false,
        true,
        { missing: [`prev.${prevKeys[0]}`] },
        { '<': [{ var: 'water_bad_target' }, 1] },
        { var: 'data_fraud' },
      ];
      for (const [i, c] of r.applies)
        items[i % items.length].applies = conditions[c % conditions.length] as never;
      const formulas = [
        { '-': [4, { '*': [{ var: 'param_0' }, { var: 'pm25' }] }] },
        { max: [0, { '-': [{ var: `prev.${prevKeys[0]}` }, { var: prevKeys[0] }] }] },
        { if: [{ var: `prev.${prevKeys[prevKeys.length - 1]}` }, 2, 1] },
        { '*': [{ var: 'param_1' }, 3] },
        { cat: [{ var: 'param_0' }, { var: 'incident_level' }] },
        { '+': [{ var: ['prev.' + prevKeys[0], 3] }, 0.005] },
      ];
      for (const [i, f] of r.formulas) items[i % items.length].logic = formulas[f % formulas.length] as never;
      const data = structuredClone(data0);
      data.regions.forEach((region, j) => {
        const previous: Record<string, unknown> = {};
        for (const k of prevKeys) {
          const v = region.values[k];
          if ((j * 7 + r.seed) % 11 !== 0 && typeof v === 'number')
            previous[k] = Math.max(0, v + ((j + r.seed) % 5) - 2);
        }
        if (r.labelled && j % 3 === 0) region.values.incident_level = '一般';
        // the sample's own previous values stay
        region.previous = { ...(region.previous ?? {}), ...previous };
      });
      for (const [region, what, value] of r.damage) {
        const reg = data.regions[region % data.regions.length];
        const key = what === 0 ? 'incident_level' : prevKeys[what % prevKeys.length];
        const target = what === 0 ? reg.values : reg.previous!;
        if (value === undefined) delete target[key];
        else target[key] = value;
        if (what === 5) reg.previous!.undeclared_prev = 1;
        if (what === 4) reg.values.param_0 = 99;
      }
      return { doc, data };
    });
}

describe('schema version 2: random documents and data in both modes', () => {
  test('parameters, labelled choices, previous values, applies with full and rescale', () => {
    let scored = 0;
    let notApplicable = 0;
    let rescaled = 0;
    fc.assert(
      fc.property(version2Arb(), ({ doc, data }) => {
        const problems = validateDocument(doc, { runTests: false }).filter((p) => p.severity !== 'warning');
        if (problems.length > 0) return;
        bothModes(doc, data);
        const e = evaluate(doc, data);
        scored += e.results.length;
        for (const r of e.results)
          for (const c of r.categories) {
            notApplicable += c.items.filter((i) => i.applicable === false).length;
            if (c.rescaled) rescaled++;
          }
      }),
      { numRuns: 120 },
    );
    expect(scored).toBeGreaterThan(100);
    expect(notApplicable).toBeGreaterThan(20);
    expect(rescaled).toBeGreaterThan(5);
  });

  test('a version-1 document is refused the version-2 fields, and evaluates as before without them', async () => {
    // the samples are version 2 now: a version-1 golden case (test/cases) with its data
    const { loadCases } = await import('./cases/load.ts');
    const golden = loadCases().find((c) => c.name === 'bonus-cap')!;
    const doc = structuredClone(golden.document) as RuleDocument;
    expect(doc.schemaVersion).toBe(1);
    const v1 = structuredClone(doc);
    v1.categories[0].items[0].applies = true;
    v1.inputs[0].previous = 'optional';
    const codes = validateDocument(v1, { runTests: false }).map((p) => `${p.path} ${p.code}`);
    expect(codes).toContain('/categories/0/items/0/applies requires_version_2');
    expect(codes).toContain('/inputs/0/previous requires_version_2');
    // the same document as version 2 without any new field scores exactly as version 1
    const v2 = structuredClone(doc);
    v2.schemaVersion = 2;
    const data = golden.data as Dataset;
    const a = evaluate(doc, data);
    const b = evaluate(v2, data);
    expect(a.results.length).toBeGreaterThan(0);
    expect(JSON.stringify(b.results)).toBe(JSON.stringify(a.results));
  });
});
