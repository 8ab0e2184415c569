/** The golden cases through the engine and through the command line (`ecoscore evaluate --json`). */
import { describe, expect, test } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../engine/index.ts';
import { compareWithExpected, loadCases } from './cases/load.ts';
import { runCli } from './helpers/cli.ts';

const cases = loadCases();

describe('golden cases: engine', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const ev = evaluate(c.document, c.data);
    expect(compareWithExpected(c, ev)).toEqual([]);
  });
});

describe('golden cases: command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecoscore-golden-'));
  test.each(cases.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const rules = join(dir, `${name}.rules.json`);
    const data = join(dir, `${name}.data.json`);
    writeFileSync(rules, JSON.stringify(c.document));
    writeFileSync(data, JSON.stringify(c.data));
    const out = await runCli(['evaluate', rules, data, '--json']);
    expect(out.code, out.stderr).toBe(c.expected.exitCode);
    const parsed = JSON.parse(out.stdout);
    expect(compareWithExpected(c, parsed)).toEqual([]);
    expect(parsed.rules).toEqual(evaluate(c.document, c.data).rules);
  });
});
