import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, RUNNING_FROM_DIST, projectPath, startWorker, workerEntry } from './runtime.ts';

function reply(worker: Worker): Promise<{ doubled: number; url: string; fromDist: boolean }> {
  return new Promise((resolve, reject) => {
    worker.once('message', (m) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code} before replying`)));
  });
}

describe('project root', () => {
  it('is the directory of package.json, from source', () => {
    expect(RUNNING_FROM_DIST).toBe(false);
    const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8'));
    expect(pkg.name).toBe('ecoscore');
    expect(projectPath('rules')).toBe(join(PROJECT_ROOT, 'rules'));
  });
});

describe('workerEntry', () => {
  it('picks the .ts entry, loaded through tsx, for a TypeScript caller', () => {
    const entry = workerEntry('file:///app/server/workers/pool.ts', './pool-worker.ts');
    expect(entry.file.href).toBe('file:///app/server/workers/pool-worker.ts');
    expect(entry.typescript).toBe(true);
    expect(entry.url.protocol).toBe('data:');
    const code = decodeURIComponent(entry.url.href.slice(entry.url.href.indexOf(',') + 1));
    expect(code).toMatch(
      /\/tsx\/dist\/esm\/api\/index\.mjs"\);\nregister\(\);\nawait import\("file:\/\/\/app\/server\/workers\/pool-worker\.ts"\)/,
    );
  });

  it('picks the .js entry and inherits the options for a compiled caller', () => {
    for (const rel of ['./pool-worker.ts', './pool-worker.js', './pool-worker', '../health/w.ts']) {
      const entry = workerEntry('file:///app/dist/server/workers/pool.js', rel);
      const js = new URL(rel.replace(/\.(ts|js)$/, '') + '.js', 'file:///app/dist/server/workers/');
      expect(entry).toEqual({ file: js, url: js, typescript: false });
    }
  });
});

describe('startWorker', () => {
  it('runs a TypeScript worker from source (tsx registered in the worker)', async () => {
    const r = await reply(startWorker(import.meta.url, './runtime.test-worker.ts', { workerData: 21 }));
    expect(r).toEqual({
      doubled: 42,
      url: new URL('./runtime.test-worker.ts', import.meta.url).href,
      fromDist: false,
    });
  });

  const dir = mkdtempSync(join(tmpdir(), 'ecoscore-runtime-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the compiled worker from dist/ in plain node (no tsx)', () => {
    // Compile the helper and the worker as tsconfig.build.json does, into <dir>/dist/server/.
    const out = join(dir, 'dist', 'server');
    mkdirSync(out, { recursive: true });
    const options: ts.CompilerOptions = {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      rewriteRelativeImportExtensions: true,
    };
    for (const name of ['runtime', 'runtime.test-worker']) {
      const source = readFileSync(new URL(`./${name}.ts`, import.meta.url), 'utf8');
      writeFileSync(
        join(out, `${name}.js`),
        ts.transpileModule(source, { compilerOptions: options }).outputText,
      );
    }
    writeFileSync(
      join(out, 'caller.js'),
      `import { startWorker, PROJECT_ROOT } from './runtime.js';
const w = startWorker(import.meta.url, './runtime.test-worker.ts', { workerData: 5 });
w.once('message', (m) => { console.log(JSON.stringify({ ...m, root: PROJECT_ROOT })); w.terminate(); });
w.once('error', (e) => { console.error(e); process.exit(3); });`,
    );
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    const run = spawnSync(process.execPath, [join(out, 'caller.js')], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      doubled: 10,
      url: pathToFileURL(join(out, 'runtime.test-worker.js')).href,
      fromDist: true,
      root: dir,
    });
  });
});
