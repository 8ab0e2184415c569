import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkDocument, checkPrepared } from './index.ts';
import { flawedDocument } from './test-fixture.ts';
import { prepareDocument } from '../evaluate/prepare.ts';
import { scoreRegion } from '../evaluate/score.ts';
import { InvalidDocumentError } from '../validate/index.ts';
import type { RuleDocument } from '../types.ts';

const sample = (y: number) =>
  JSON.parse(
    readFileSync(new URL(`../../rules/jilin-eco-target/${y}.json`, import.meta.url), 'utf8'),
  ) as RuleDocument;

const codes = (r: ReturnType<typeof checkDocument>) =>
  r.findings
    .filter((f) => f.code !== 'conditions_overlap')
    .map((f) => `${f.code}:${f.id}`)
    .sort();

describe('checkDocument', () => {
  it('finds every flaw of the flawed document, and nothing else', () => {
    const r = checkDocument(flawedDocument(), { timeLimitMs: 60_000 });
    expect(codes(r)).toEqual(
      [
        'downgrade_always_fires:always',
        'grade_unreachable:excellent',
        'item_always_max:full',
        'item_always_zero:zero',
        'item_max_unreachable:capped',
        'item_max_unreachable:zero',
        'veto_never_fires:never',
      ].sort(),
    );
    expect(r.unknown).toEqual([]);
    const capped = r.findings.find((f) => f.id === 'capped')!;
    expect(capped.message).toMatch(/最高只能得 8 分.* \/ Item "capped".*at most 8/);
    expect(capped.path).toBe('/categories/0/items/0/maxPoints');
    expect(r.findings.find((f) => f.code === 'grade_unreachable')!.message).toContain('93');
  });

  it('reports overlapping downgrades and caps with a witness the engine confirms', () => {
    const doc = flawedDocument();
    const r = checkDocument(doc, { timeLimitMs: 60_000 });
    const overlaps = r.findings.filter((f) => f.code === 'conditions_overlap');
    expect(overlaps.map((f) => `${f.id}+${f.with!.id}`).sort()).toEqual([
      'always+missed',
      'always+unhappy',
      'missed+unhappy',
    ]);
    const p = prepareDocument(doc);
    for (const f of overlaps) {
      expect(f.severity).toBe('info');
      const out = scoreRegion(p, { code: 'w', name: 'w', values: f.witness! }, false);
      const fired = [...out.result!.downgrades, ...out.result!.caps];
      expect(fired).toContain(f.id);
      expect(fired).toContain(f.with!.id);
    }
  });

  it('decides every property of every sample document, with no finding but overlaps', () => {
    for (const y of [2021, 2022, 2023, 2024, 2025]) {
      // A generous time limit: on a loaded machine the default 4 s could leave properties undecided.
      const r = checkDocument(sample(y), { timeLimitMs: 60_000 });
      expect(r.unknown, String(y)).toEqual([]);
      expect(codes(r), String(y)).toEqual([]);
    }
  });

  it('is sound: random allowed inputs never contradict a finding (property test)', () => {
    const doc = flawedDocument();
    const r = checkDocument(doc);
    const p = prepareDocument(doc);
    const has = (code: string, id: string) => r.findings.some((f) => f.code === code && f.id === id);
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.nat(1000),
        fc.boolean(),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (rate, target, overdue, incident, satisfaction) => {
          const res = scoreRegion(
            p,
            { code: 'x', name: 'x', values: { rate, target, overdue, incident, satisfaction } },
            false,
          ).result!;
          const pts = new Map(res.categories[0].items.map((i) => [i.id, i]));
          for (const [id, it] of pts) {
            if (has('item_max_unreachable', id)) expect(it.points).toBeLessThan(it.maxPoints);
            if (has('item_always_zero', id)) expect(it.points).toBe(0);
            if (has('item_always_max', id)) expect(it.points).toBe(it.maxPoints);
          }
          if (has('veto_never_fires', 'never')) expect(res.vetoes).not.toContain('never');
          if (has('downgrade_always_fires', 'always')) expect(res.downgrades).toContain('always');
          if (has('grade_unreachable', 'excellent')) expect(res.total).toBeLessThan(99);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('proves at the boundary: a veto on rate ≥ 100 fires (only at 100), rate > 100 never does', () => {
    const doc = flawedDocument();
    doc.vetoes = [
      { id: 'edge', label: { zh: '边界' }, when: { '>=': [{ var: 'rate' }, 100] } },
      { id: 'beyond', label: { zh: '越界' }, when: { '>': [{ var: 'rate' }, 100] } },
    ];
    const r = checkDocument(doc, { timeLimitMs: 60_000 });
    expect(r.findings.some((f) => f.id === 'edge')).toBe(false);
    expect(r.findings.some((f) => f.code === 'veto_never_fires' && f.id === 'beyond')).toBe(true);
    expect(r.unknown).toEqual([]);
  });

  it('handles unbounded inputs, optional inputs that may be absent, enums and integer steps', () => {
    const doc = flawedDocument();
    doc.inputs.push(
      { key: 'count', label: { zh: '数量' }, type: 'integer', min: 0 },
      { key: 'note', label: { zh: '可选数值' }, type: 'number', required: false },
      {
        key: 'level',
        label: { zh: '级别' },
        type: 'string',
        enum: ['none', 'minor', 'major'],
        default: 'none',
      },
    );
    doc.vetoes = [
      // count > 0.5 on integers means count ≥ 1: fires; count between 0 and 1 exclusive never.
      {
        id: 'int_gap',
        label: { zh: '整数间隙' },
        when: { and: [{ '>': [{ var: 'count' }, 0] }, { '<': [{ var: 'count' }, 1] }] },
      },
      { id: 'huge', label: { zh: '很大' }, when: { '>': [{ var: 'count' }, 1e12] } },
      // an absent optional value reads as null, and null < 1 is true in JavaScript
      { id: 'absent', label: { zh: '缺失' }, when: { '<': [{ var: 'note' }, -1e300] } },
      { id: 'major', label: { zh: '重大' }, when: { in: [{ var: 'level' }, ['major', 'extreme']] } },
      { id: 'extreme', label: { zh: '不存在的级别' }, when: { '==': [{ var: 'level' }, 'extreme'] } },
    ];
    const r = checkDocument(doc, { timeLimitMs: 60_000 });
    const veto = (id: string) =>
      r.findings.filter((f) => f.target === 'veto' && f.id === id).map((f) => f.code);
    expect(veto('int_gap')).toEqual(['veto_never_fires']);
    expect(veto('huge')).toEqual([]);
    expect(veto('absent')).toEqual([]);
    expect(veto('major')).toEqual([]);
    expect(veto('extreme')).toEqual(['veto_never_fires']);
    expect(r.unknown).toEqual([]);
  });

  it('degrades what it cannot model to unknown: variables it does not know', () => {
    const doc = flawedDocument() as RuleDocument & Record<string, unknown>;
    (doc.categories[0].items[3] as unknown as Record<string, unknown>).logic = { var: 'prev.target' };
    doc.vetoes![1].when = { var: 'prev.rate' };
    const r = checkPrepared(prepareDocument(doc));
    expect(r.unknown).toEqual(
      expect.arrayContaining([
        { target: 'item', id: 'ok', property: 'max_reachable' },
        { target: 'veto', id: 'incident', property: 'fires' },
      ]),
    );
    expect(r.findings.some((f) => f.id === 'ok' || f.id === 'incident')).toBe(false);
  });

  it('models schema-version-2 `applies` and `prev.KEY` soundly, with engine-confirmed witnesses', () => {
    const doc = flawedDocument();
    doc.schemaVersion = 2;
    doc.inputs[0].previous = 'required';
    doc.inputs[4].previous = 'optional';
    const main = doc.categories[0];
    main.notApplicable = 'rescale';
    // `ok` applies only without an incident; `capped` reads last year's rate.
    main.items[3].applies = { '!': { var: 'incident' } };
    main.items[0].logic = { min: [8, { '/': [{ var: 'prev.rate' }, 10] }] };
    // fires only when this year's rate fell below last year's
    doc.vetoes![1].when = { '<': [{ var: 'rate' }, { var: 'prev.rate' }] };
    // never: last year's satisfaction (when given) is at most 100
    doc.caps![0].when = { '>': [{ var: ['prev.satisfaction', 0] }, 100] };
    const r = checkDocument(doc, { timeLimitMs: 60_000 });
    expect(r.unknown).toEqual([]);
    const codes = (id: string) => r.findings.filter((f) => f.id === id).map((f) => f.code);
    expect(codes('capped')).toEqual(['item_max_unreachable']);
    expect(codes('ok')).toEqual([]);
    expect(codes('incident')).toEqual([]);
    expect(codes('unhappy')).toEqual(['cap_never_fires']);
    // An item that may not apply counts up to its points: excellent (99) stays unreachable only
    // because `capped` and `zero` cannot give theirs (8 + 0 + 5 + 80 = 93 < 99).
    expect(r.findings.some((f) => f.code === 'grade_unreachable' && f.id === 'excellent')).toBe(true);
  });

  it('reads schema-version-2 parameters as constants', () => {
    const doc = flawedDocument() as RuleDocument & Record<string, unknown>;
    doc.parameters = [{ key: 'limit', label: { zh: '上限' }, value: 150 }];
    doc.vetoes![0].when = { '>': [{ var: 'rate' }, { var: 'limit' }] };
    const r = checkPrepared(prepareDocument(doc));
    expect(r.findings.some((f) => f.code === 'veto_never_fires' && f.id === 'never')).toBe(true);
  });

  it('leaves to `unknown` what its budget cannot decide, and never calls it a pass', () => {
    const doc = flawedDocument();
    const twice = { '*': [2, { var: 'rate' }] };
    doc.vetoes![0].when = { and: [{ '>': [twice, 100] }, { '<': [twice, 80] }] };
    const r = checkDocument(doc, { maxBoxes: 1 });
    expect(r.unknown).toContainEqual({ target: 'veto', id: 'never', property: 'fires' });
    expect(r.findings.some((f) => f.id === 'never')).toBe(false);
    // with the default budget, splitting the range proves it
    expect(checkDocument(doc).findings.some((f) => f.code === 'veto_never_fires' && f.id === 'never')).toBe(
      true,
    );
    const b = checkDocument(flawedDocument(), { mode: 'bounds' });
    expect(
      b.findings.every((f) =>
        checkDocument(flawedDocument()).findings.some((g) => g.code === f.code && g.id === f.id),
      ),
    ).toBe(true);
  });

  it('refuses an invalid document', () => {
    const doc = flawedDocument();
    doc.maxScore = 99;
    expect(() => checkDocument(doc)).toThrow(InvalidDocumentError);
  });
});
