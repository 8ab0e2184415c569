import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { evaluate } from '../../../../engine/index.ts';
import type { RegionResult, RuleDocument } from '../../../../engine/types.ts';
import { optionOf, readRequested, targetKey, targetLabel, targetOptions } from './targets.ts';

const root = new URL('../../../../', import.meta.url);
const doc = JSON.parse(
  readFileSync(new URL('rules/jilin-eco-target/2024.json', root), 'utf8'),
) as RuleDocument;
const data = JSON.parse(readFileSync(new URL('rules/sample-data/2024.json', root), 'utf8'));

function scored(code: string, change: Record<string, unknown> = {}): RegionResult {
  const region = data.regions.find((r: { code: string }) => r.code === code);
  const ev = evaluate(doc, { year: 2024, regions: [{ ...region, values: { ...region.values, ...change } }] });
  expect(ev.errors).toEqual([]);
  return ev.results[0];
}

describe('what an appeal may be about, from the run’s own results', () => {
  const result = scored('220100', { pm25_target: 28 });
  const options = targetOptions(doc, result, 'zh');

  it('lists every item with its category, points and maximum, in Chinese', () => {
    const pm25 = options.find((o) => o.key === 'item:pm25')!;
    expect(pm25.label).toBe('生态环境保护主要指标完成情况 › 细颗粒物(PM2.5)浓度');
    expect(pm25.points).toBe(5.5);
    expect(pm25.current).toBe(`5.5 / ${pm25.maxPoints}`);
    const items = doc.categories.flatMap((c) => c.items);
    expect(options.filter((o) => o.kind === 'item').map((o) => o.target)).toEqual(
      items.map((i) => ({ kind: 'item', id: i.id })),
    );
  });

  it('lists vetoes, downgrades and caps with whether they applied, the applied ones first', () => {
    const r = scored('220100', { incident_level: 'extraordinary' });
    expect(r.vetoes).toEqual(['major_incident']);
    const hit = doc.vetoes!.find((v) => v.id === 'major_incident')!;
    const opts = targetOptions(doc, r, 'zh').filter((o) => o.kind === 'veto');
    expect(opts.length).toBe(doc.vetoes!.length);
    expect(opts[0]).toMatchObject({
      key: 'veto:major_incident',
      hit: true,
      current: '已触发',
      label: hit.label.zh,
    });
    expect(opts.slice(1).every((o) => o.hit === false && o.current === '未触发')).toBe(true);
    expect(options.filter((o) => o.kind === 'downgrade').length).toBe(doc.downgrades!.length);
    expect(
      options.filter((o) => o.kind === 'cap').every((o) => o.current === '已触发' || o.current === '未触发'),
    ).toBe(true);
  });

  it('lists every input with the region’s value and unit', () => {
    const pm = options.find((o) => o.key === 'input:pm25')!;
    expect(pm.label).toBe('细颗粒物(PM2.5)年均浓度');
    expect(pm.current).toBe(`${result.values!.pm25} μg/m³`);
    expect(options.filter((o) => o.kind === 'input').length).toBe(doc.inputs.length);
  });

  it('labels in English when asked, and names a target in lists', () => {
    const en = targetOptions(doc, result, 'en').find((o) => o.key === 'item:pm25')!;
    expect(en.label).not.toContain('细颗粒物');
    expect(targetLabel(doc, { kind: 'input', key: 'pm25' }, 'zh')).toBe('细颗粒物(PM2.5)年均浓度');
    expect(targetLabel(doc, { kind: 'veto', id: doc.vetoes![0].id }, 'zh')).toBe(doc.vetoes![0].label.zh);
    expect(targetLabel(doc, { kind: 'item', id: 'nope' }, 'zh')).toBe('nope');
    expect(targetLabel(null, { kind: 'input', key: 'pm25' }, 'zh')).toBe('pm25');
    expect(targetKey({ kind: 'cap', id: 'c' })).toBe('cap:c');
  });
});

describe('reading the requested value or points', () => {
  const result = scored('220100');
  const options = targetOptions(doc, result, 'zh');
  const item = options.find((o) => o.key === 'item:pm25')!;
  const input = options.find((o) => o.key === 'input:pm25')!;
  const veto = options.find((o) => o.kind === 'veto')!;

  it('items: points between 0 and the maximum', () => {
    expect(readRequested(item, ' 4.5 ')).toEqual({ requested: { points: 4.5 } });
    expect(readRequested(item, '')).toEqual({ requested: undefined });
    expect(readRequested(item, 'x')).toEqual({ problem: 'notNumber' });
    expect(readRequested(item, '-1')).toEqual({ problem: 'pointsRange' });
    expect(readRequested(item, String(item.maxPoints! + 0.5))).toEqual({ problem: 'pointsRange' });
  });

  it('inputs: a value of the input’s type within its limits and choices', () => {
    expect(readRequested(input, '29.8')).toEqual({ requested: { value: 29.8 } });
    expect(readRequested(input, 'abc')).toEqual({ problem: 'notNumber' });
    const bounded = { ...input, input: { type: 'integer', min: 0, max: 10 } };
    expect(readRequested(bounded, '2.5')).toEqual({ problem: 'notInteger' });
    expect(readRequested(bounded, '-1')).toEqual({ problem: 'belowMin' });
    expect(readRequested(bounded, '11')).toEqual({ problem: 'aboveMax' });
    const flag = { ...input, input: { type: 'boolean' } };
    expect(readRequested(flag, 'false')).toEqual({ requested: { value: false } });
    expect(readRequested(flag, 'no')).toEqual({ problem: 'notChoice' });
    const labelled = {
      ...input,
      input: {
        type: 'string',
        choices: [
          { value: 'major', label: '重大(Ⅱ级)' },
          { value: 'none', label: '无' },
        ],
      },
    };
    expect(readRequested(labelled, 'major')).toEqual({ requested: { value: 'major' } });
    expect(readRequested(labelled, 'other')).toEqual({ problem: 'notChoice' });
  });

  it('vetoes, downgrades and caps ask for nothing but not to apply', () => {
    expect(readRequested(veto, '5')).toEqual({ requested: undefined });
  });
});

describe('the decision form reads values like the filing form', () => {
  it('an input keeps its type and limits; an item its maximum', () => {
    const pm = optionOf(doc, { kind: 'input', key: 'pm25' }, 'zh');
    expect(pm.label).toBe('细颗粒物(PM2.5)年均浓度');
    expect(readRequested(pm, '29.8')).toEqual({ requested: { value: 29.8 } });
    expect(readRequested(pm, 'x')).toEqual({ problem: 'notNumber' });
    const item = optionOf(doc, { kind: 'item', id: 'pm25' }, 'zh');
    const max = doc.categories.flatMap((c) => c.items).find((i) => i.id === 'pm25')!.maxPoints;
    expect(item.maxPoints).toBe(max);
    expect(readRequested(item, String(max + 1))).toEqual({ problem: 'pointsRange' });
    expect(readRequested(optionOf(doc, { kind: 'cap', id: 'x' }, 'zh'), '3')).toEqual({
      requested: undefined,
    });
  });
});
