import { describe, expect, test } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliInProcess } from '../../test/helpers/cli.ts';
import { flawedDocument } from '../../engine/health/test-fixture.ts';

const cli = cliInProcess;

const dir = mkdtempSync(join(tmpdir(), 'ecoscore-check-'));
const write = (name: string, value: unknown) => {
  const f = join(dir, name);
  writeFileSync(f, typeof value === 'string' ? value : JSON.stringify(value));
  return f;
};

describe('ecoscore check', () => {
  test('a sample document: only overlaps (information), nothing undecided, exit 0', async () => {
    const out = await cli(['check', 'rules/jilin-eco-target/2025.json', '--json']);
    expect(out.code).toBe(0);
    const r = JSON.parse(out.stdout);
    expect(Object.keys(r).sort()).toEqual(['findings', 'unknown']);
    expect(r.unknown).toEqual([]);
    expect(
      r.findings.every(
        (f: { code: string; witness: unknown }) => f.code === 'conditions_overlap' && f.witness,
      ),
    ).toBe(true);
  });

  test('a flawed document: each finding on its JSON pointer, exit 1; coverage on request', async () => {
    const file = write('flawed.json', {
      ...flawedDocument(),
      tests: [
        { name: 't', inputs: { rate: 50, target: 40, satisfaction: 90 }, expect: { items: { ok: 40 } } },
      ],
    });
    const out = await cli(['check', file, '--coverage']);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('/vetoes/0/when veto_never_fires 否决项 "never"');
    expect(out.stdout).toContain('/grades/0/min grade_unreachable');
    expect(out.stdout).toMatch(/7 个问题，3 条提示，0 项未判定/);
    expect(out.stdout).toContain('考核项 items 1/4');
    const json = JSON.parse((await cli(['check', file, '--json', '--coverage'])).stdout);
    expect(json.coverage.uncovered).toContainEqual({ target: 'veto', id: 'incident' });
  });

  test('an invalid or unreadable document: exit 2', async () => {
    const bad = write('bad.json', { ...flawedDocument(), maxScore: 90 });
    const invalid = await cli(['check', bad]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('points_mismatch');
    expect((await cli(['check', write('broken.json', '{ nope')])).code).toBe(2);
    expect((await cli(['check', join(dir, 'missing.json')])).code).toBe(2);
    expect((await cli(['check'])).code).toBe(2);
  });
});

describe('ecoscore paths', () => {
  const rules = 'rules/jilin-eco-target/2025.json';
  test('a region that can move: the changes, checked by the engine, exit 0', async () => {
    const out = await cli(['paths', rules, 'rules/sample-data/2025.csv', '--region', '220184', '--json']);
    expect(out.code).toBe(0);
    const p = JSON.parse(out.stdout);
    expect(p).toMatchObject({
      region: '220184',
      // 75.55 points (合格 by score), one grade down for missed binding targets: the next grade up is 合格
      from: { grade: 'unqualified' },
      to: { grade: 'qualified' },
      reachable: true,
    });
    expect(p.changes.length).toBeGreaterThan(0);
    const text = await cli(['paths', rules, 'rules/sample-data/2025.json', '--region', '220184']);
    expect(text.stdout).toContain('整改路径 / path to 合格');
  });

  test('a veto keeps the region down: reachable false with the reason, exit 1', async () => {
    const out = await cli(['paths', rules, 'rules/sample-data/2025.json', '--region', '220200', '--json']);
    expect(out.code).toBe(1);
    const p = JSON.parse(out.stdout);
    expect(p.reachable).toBe(false);
    // 吉林市's 重大 incident: the 细则's own veto (serious_incident)
    expect(p.reasons[0]).toMatchObject({ kind: 'veto', id: 'serious_incident', fixed: true });
  });

  test('wrong usage, an unknown region or grade: exit 2', async () => {
    expect((await cli(['paths', rules, 'rules/sample-data/2025.json'])).code).toBe(2);
    expect((await cli(['paths', rules, 'rules/sample-data/2025.json', '--region', '999999'])).code).toBe(2);
    const g = await cli([
      'paths',
      rules,
      'rules/sample-data/2025.json',
      '--region',
      '220184',
      '--to',
      'gold',
    ]);
    expect(g.code).toBe(2);
    expect(g.stderr).toContain('没有等级 "gold"');
  });
});
