/**
 * Where the running code is: from the TypeScript sources (tsx, vitest) or from the compiled
 * JavaScript in `dist/` (`npm start`, `npx ecoscore`). Files that are not code — migrations, the
 * sample rules, the editor's build, package.json — stay at the project root and are found from
 * `PROJECT_ROOT`, never relative to the calling module (which moves under `dist/`).
 *
 * Worker threads: `workerEntry(import.meta.url, './pool-worker.ts')` resolves a worker's entry
 * file next to the caller, `.js` when the caller is compiled and `.ts` (with tsx loaded into the
 * worker) when it runs from source; `startWorker` creates the Worker.
 *
 * @example
 * const worker = startWorker(import.meta.url, './pool-worker.ts', { workerData: { size: 4 } });
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const HERE = fileURLToPath(import.meta.url);

/** True when this module runs compiled, from `dist/server/runtime.js`. */
export const RUNNING_FROM_DIST = HERE.endsWith('.js');

/** The project's root directory (package.json, rules/, editor/, server/db/migrations). */
export const PROJECT_ROOT = resolve(dirname(HERE), RUNNING_FROM_DIST ? '../..' : '..');

/** A path under the project root, e.g. `projectPath('rules', 'regions.csv')`. */
export function projectPath(...segments: string[]): string {
  return resolve(PROJECT_ROOT, ...segments);
}

export interface WorkerEntry {
  /** The worker's entry file (`.js` compiled, `.ts` from source). */
  file: URL;
  /**
   * What to pass to `new Worker`: the file itself when compiled; from source, a small `data:`
   * module that registers tsx in the worker and then imports the file (Node 20 applies neither
   * `--import tsx` in a worker's execArgv nor the parent's tsx hooks to a worker's entry).
   */
  url: URL;
  /** Whether the entry is TypeScript run through tsx. */
  typescript: boolean;
}

/** The URL of tsx's ESM API (its `exports` entry `./esm/api`, import condition), or a clear error. */
function tsxApi(): string {
  let pkgPath: string;
  try {
    pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
  } catch {
    throw new Error(
      'A TypeScript worker needs tsx (a devDependency): run `npm install`, or run the compiled code (`npm run build`, then from dist/).',
    );
  }
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return pathToFileURL(resolve(dirname(pkgPath), pkg.exports['./esm/api']!.import.default)).href;
}

/**
 * Resolves a worker's entry file, written as its TypeScript source (`'./pool-worker.ts'`), against
 * the caller's `import.meta.url`: a compiled caller (`….js`) gets the compiled worker (`….js`), a
 * TypeScript caller (tsx, vitest) the `.ts` file loaded through tsx.
 */
export function workerEntry(callerUrl: string | URL, relative: string): WorkerEntry {
  const caller = new URL(callerUrl);
  const compiled = caller.pathname.endsWith('.js');
  const spec = relative.replace(/\.(ts|js)$/, '');
  const file = new URL(`${spec}${compiled ? '.js' : '.ts'}`, caller);
  if (compiled) return { file, url: file, typescript: false };
  const bootstrap =
    `const { register } = await import(${JSON.stringify(tsxApi())});\n` +
    `register();\n` +
    `await import(${JSON.stringify(file.href)});\n`;
  return { file, url: new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), typescript: true };
}

/** `new Worker(workerEntry(callerUrl, relative).url, options)`. */
export function startWorker(callerUrl: string | URL, relative: string, options: WorkerOptions = {}): Worker {
  return new Worker(workerEntry(callerUrl, relative).url, options);
}
