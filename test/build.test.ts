/** When dist/ counts as stale (bin/build.js), and that the commands run the compiled code. */
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { distIsStale } from '../bin/build.js';
import { runCli } from './helpers/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'ecoscore-build-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes `path` under the temporary root with the modification time `seconds` (epoch). */
function file(path: string, seconds: number) {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, '');
  utimesSync(full, seconds, seconds);
}

describe('distIsStale', () => {
  it('is stale without a finished build, fresh after one, stale again when code or imported JSON changes', () => {
    file('engine/a.ts', 1000);
    file('server/db/b.ts', 1000);
    file('cli/c.ts', 1000);
    file('rules/schema/rule-document.schema.json', 1000);
    file('tsconfig.json', 1000);
    file('tsconfig.build.json', 1000);
    mkdirSync(join(root, 'dist'), { recursive: true });
    expect(distIsStale(root)).toBe(true); // compiled files without the stamp: an interrupted build

    file('dist/.built', 2000);
    expect(distIsStale(root)).toBe(false);

    file('server/db/b.test.ts', 3000); // tests are not compiled
    file('rules/regions.csv', 3000); // data is read from the project root, not from dist/
    file('engine/.hidden.ts', 3000);
    expect(distIsStale(root)).toBe(false);

    for (const changed of [
      'server/db/b.ts',
      'rules/schema/rule-document.schema.json',
      'tsconfig.build.json',
    ]) {
      file(changed, 3000);
      expect(distIsStale(root), changed).toBe(true);
      file(changed, 1000);
    }
    file('cli/new-command.ts', 3000);
    expect(distIsStale(root)).toBe(true);
  });
});

describe('the ecoscore command', () => {
  it('runs the compiled command line from dist/ (plain node: TypeScript would not load)', async () => {
    const out = await runCli(['validate', 'rules/jilin-eco-target/2024.json', '--json']);
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ valid: true, errors: [] });
    expect(existsSync(join(import.meta.dirname, '..', 'dist', 'cli', 'main.js'))).toBe(true);
  });
});
