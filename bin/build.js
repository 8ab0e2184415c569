#!/usr/bin/env node
/**
 * The compiled JavaScript in dist/ that `npm start` and the `ecoscore` command run (Node 20 cannot
 * run TypeScript): whether it is missing or older than its sources, and building it with
 * `tsc -p tsconfig.build.json` (emit only; `npm run typecheck` checks the types). TypeScript is a
 * devDependency, so building needs them installed; running the build does not.
 *
 * As a script: `node bin/build.js` (`npm run build`) builds dist/ and the editor;
 * `--if-stale` (the `prepare` script, run by `npm install`) only what is missing or out of date, and
 * skips with a note when the devDependencies are absent.
 */
import {
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILT, ROOT, buildEditor, editorBuildIsStale, editorExists, newestUnder } from './editor-build.js';

export const DIST = join(ROOT, 'dist');
/** Written after a successful build, with the time the build started. */
const STAMP = '.built';
const CODE_DIRS = ['engine', 'server', 'cli'];

const isCode = (name) => name.endsWith('.ts') && !name.endsWith('.test.ts');
const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);

/** dist/ under `root` is missing, or older than the code, the JSON it imports or the tsconfig files. */
export function distIsStale(root = ROOT) {
  const stamp = join(root, 'dist', STAMP);
  if (!existsSync(stamp)) return true;
  const sources = Math.max(
    ...CODE_DIRS.map((d) => newestUnder(join(root, d), isCode)),
    newestUnder(join(root, 'rules', 'schema'), (name) => name.endsWith('.json')),
    mtime(join(root, 'tsconfig.json')),
    mtime(join(root, 'tsconfig.build.json')),
  );
  return sources > statSync(stamp).mtimeMs;
}

/** The path of `file` in an installed package, or undefined (devDependencies pruned). */
function installed(file) {
  try {
    return createRequire(join(ROOT, 'package.json')).resolve(file);
  } catch {
    return undefined;
  }
}
const tscPath = () => installed('typescript/bin/tsc');

export class BuildError extends Error {}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` holding a lock directory, so that processes started together build once, in turn. */
async function withLock(fn) {
  const lock = join(ROOT, '.dist-build-lock');
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than 5 minutes is left over from a killed build.
      if (Date.now() - mtime(lock) > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (waited > 6 * 60_000) throw new BuildError('waited more than 6 minutes for another build of dist/');
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    rmdirSync(lock);
  }
}

/**
 * Builds dist/ (when `force`, or when it is stale) into a temporary directory and swaps it in, so
 * that no process ever sees half of a build. `log` receives one line when a build starts, or a
 * warning when a stale dist/ is kept because TypeScript is not installed. Returns whether it
 * built; throws a BuildError when it cannot (no dist/ and no TypeScript, or tsc failed).
 */
export async function buildDist({ force = false, log = (line) => console.error(line) } = {}) {
  if (!force && !distIsStale()) return false; // the usual case, without waiting for the lock
  return withLock(() => {
    if (!force && !distIsStale()) return false; // built by another process meanwhile
    const tsc = tscPath();
    if (!tsc && existsSync(join(DIST, STAMP))) {
      log(
        'Warning: dist/ is older than its sources, but TypeScript (a devDependency) is not installed to compile it again: running the existing build.',
      );
      return false;
    }
    if (!tsc) {
      throw new BuildError(
        'dist/ (the compiled server and CLI) is missing or older than its sources, and TypeScript is not installed to build it: ' +
          'run `npm install` with the devDependencies (or `npm run build` where they are), then start again.',
      );
    }
    log(
      existsSync(DIST)
        ? 'Sources changed since the last build: compiling dist/…'
        : 'Compiling the server and CLI into dist/…',
    );
    const started = Date.now();
    const tmp = join(ROOT, `.dist-tmp-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', tmp], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (r.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      throw new BuildError(`compiling dist/ failed (tsc exit ${r.status}):\n${r.stdout}${r.stderr}`);
    }
    const stamp = join(tmp, STAMP);
    writeFileSync(stamp, `${new Date(started).toISOString()}\n`);
    utimesSync(stamp, started / 1000, started / 1000);
    const old = join(ROOT, `.dist-old-${process.pid}`);
    if (existsSync(DIST)) renameSync(DIST, old);
    renameSync(tmp, DIST);
    rmSync(old, { recursive: true, force: true });
    return true;
  });
}

/**
 * Builds the editor (editor/build) when it is missing or older than its sources, or when `force`.
 * Returns 'none' (editor/ holds no app), 'fresh', 'built', 'no-vite' (stale, but vite, a
 * devDependency, is not installed) or 'failed'; `log` says what happens.
 */
export function ensureEditor({ force = false, log = (line) => console.error(line) } = {}) {
  if (!editorExists()) return 'none';
  const had = existsSync(BUILT);
  if (!force && !editorBuildIsStale()) return 'fresh';
  if (!installed('vite/package.json')) {
    log(
      had
        ? 'Warning: the editor changed since its build, but vite (a devDependency) is not installed to build it again: serving the existing build.'
        : 'The editor is not built and vite (a devDependency) is not installed to build it: run `npm install` with the devDependencies.',
    );
    return 'no-vite';
  }
  log(had ? 'The editor changed since its last build: rebuilding it…' : 'Building the editor…');
  const r = buildEditor({ stdio: 'inherit' });
  return r.status === 0 && existsSync(BUILT) ? 'built' : 'failed';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !tscPath()) {
    console.error(
      'ecoscore: devDependencies not installed, not building dist/ or the editor (`npm start` needs them built).',
    );
  } else {
    try {
      await buildDist({ force: !ifStale });
    } catch (e) {
      console.error(e instanceof BuildError ? e.message : e);
      process.exit(1);
    }
    const editor = ensureEditor({ force: !ifStale });
    if (editor === 'failed' || editor === 'no-vite') process.exit(1);
  }
}
