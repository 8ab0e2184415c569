/**
 * One invalid fixture per validation code (test/invalid/<code>.json): each is refused with exactly
 * the expected problems at the expected JSON pointers, by the engine and by `ecoscore validate`.
 */
import { describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentHash, validateDocument } from '../engine/index.ts';
import { runCli } from './helpers/cli.ts';

const dir = fileURLToPath(new URL('./invalid/', import.meta.url));
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => {
    const text = readFileSync(dir + f, 'utf8');
    const fx = JSON.parse(text) as {
      description: string;
      expect: { path: string; code: string }[];
      document: unknown;
    };
    return { code: f.replace(/\.json$/, ''), file: dir + f, bytes: Buffer.byteLength(text), ...fx };
  });
const key = (p: { path: string; code: string }) => `${p.code} ${p.path}`;

describe('each validation code has a fixture refused at the right pointer', () => {
  test.each(fixtures.map((f) => [f.code, f] as const))('%s', (code, f) => {
    const problems = validateDocument(f.document);
    expect(problems.map(key).sort()).toEqual(f.expect.map(key).sort());
    for (const p of problems) {
      expect(p.code).toBe(code);
      // Chinese first, then English, and the English part says what to do or what is wrong.
      expect(p.message).toMatch(/[\u4e00-\u9fff]/);
      expect(p.message).toContain(' / ');
    }
  });
});

describe('ecoscore validate', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'ecoscore-invalid-'));
  const docFile = (f: (typeof fixtures)[number]) => {
    const file = join(tmp, `${f.code}.json`);
    writeFileSync(file, JSON.stringify(f.document));
    return file;
  };
  test.each(fixtures.map((f) => [f.code, f] as const))('%s: exit 1 with the problem', async (_code, f) => {
    const out = await runCli(['validate', docFile(f), '--json']);
    expect(out.code).toBe(1);
    const parsed = JSON.parse(out.stdout);
    expect(parsed.valid).toBe(false);
    expect(parsed.errors.map(key).sort()).toEqual(f.expect.map(key).sort());
  });

  test('the valid base document: exit 0', async () => {
    const out = await runCli(['validate', fileURLToPath(new URL('./cases/_base.json', import.meta.url))]);
    expect(out.stdout).toContain('valid');
    expect(out.code).toBe(0);
  });

  test('text output: one line per problem, "path code message"', async () => {
    const out = await runCli(['validate', docFile(fixtures.find((f) => f.code === 'points_mismatch')!)]);
    expect(out.code).toBe(1);
    const lines = out.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\/categories\/0\/maxPoints points_mismatch .+/);
  });

  test('unreadable input: exit 2', async () => {
    expect((await runCli(['validate', '/nonexistent/rules.json'])).code).toBe(2);
    const bad = fileURLToPath(new URL('./helpers/cli.ts', import.meta.url));
    const out = await runCli(['validate', bad]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('JSON');
  });
});

describe('schema version 2: warnings do not make a document invalid', () => {
  const base = () => JSON.parse(readFileSync(new URL('./cases/_base.json', import.meta.url), 'utf8'));
  test('a stale rubric is a warning: valid, exit 0, printed', async () => {
    const doc = base();
    doc.schemaVersion = 2;
    doc.categories[0].items[0].rubric = { zh: '按指标甲计分', forLogic: '0'.repeat(64) };
    const problems = validateDocument(doc);
    expect(problems.map((p) => [p.path, p.code, p.severity])).toEqual([
      ['/categories/0/items/0/rubric', 'rubric_stale', 'warning'],
    ]);
    const tmp = mkdtempSync(join(tmpdir(), 'ecoscore-v2-'));
    const file = join(tmp, 'stale.json');
    writeFileSync(file, JSON.stringify(doc));
    const out = await runCli(['validate', file, '--json']);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).valid).toBe(true);
    const text = await runCli(['validate', file]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('rubric_stale');
  });

  test('a rubric written for the current formula is no problem; prev.KEY needs `previous`', () => {
    const doc = base();
    doc.schemaVersion = 2;
    const logic = doc.categories[0].items[0].logic;
    doc.categories[0].items[0].rubric = { zh: '按指标甲计分', forLogic: contentHash(logic) };
    expect(validateDocument(doc)).toEqual([]);
    doc.categories[0].items[0].logic = { var: 'prev.a' };
    delete doc.categories[0].items[0].rubric;
    expect(validateDocument(doc).map((p) => `${p.path} ${p.code}`)).toEqual([
      '/categories/0/items/0/logic unknown_variable',
    ]);
    doc.inputs[0].previous = 'required';
    expect(validateDocument(doc, { runTests: false })).toEqual([]);
    doc.inputs.push({ key: 'prev', label: { zh: '上年' }, type: 'number', default: 0 });
    expect(validateDocument(doc, { runTests: false }).map((p) => `${p.path} ${p.code}`)).toEqual([
      `/inputs/${doc.inputs.length - 1}/key reserved_name`,
    ]);
  });
});
