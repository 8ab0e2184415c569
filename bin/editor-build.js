/**
 * Whether the editor's static build (editor/build) is missing or older than its sources or the
 * engine it bundles, and building it. Shared by `npm start` and the browser tests.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const EDITOR = join(ROOT, 'editor');
export const BUILT = join(EDITOR, 'build', 'index.html');

/**
 * The newest modification time of the files under `dir` (node_modules and dot files skipped),
 * counting only the files whose name passes `keep` (default all).
 */
export function newestUnder(dir, keep = () => true) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestUnder(path, keep));
    else if (keep(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** True when editor/ holds the SvelteKit app. */
export function editorExists() {
  return existsSync(join(EDITOR, 'svelte.config.js')) && existsSync(join(EDITOR, 'src', 'routes'));
}

/** The build is missing, or older than the editor's sources, the engine it bundles or the schema it precompiles. */
export function editorBuildIsStale() {
  if (!existsSync(BUILT)) return true;
  const built = statSync(BUILT).mtimeMs;
  const sources = Math.max(
    newestUnder(join(EDITOR, 'src')),
    newestUnder(join(EDITOR, 'static')),
    newestUnder(join(ROOT, 'engine')),
    newestUnder(join(ROOT, 'rules', 'schema')),
    statSync(join(EDITOR, 'svelte.config.js')).mtimeMs,
    statSync(join(EDITOR, 'vite.config.ts')).mtimeMs,
    statSync(join(EDITOR, 'precompiled-schema.ts')).mtimeMs,
  );
  return sources > built;
}

/** Runs `vite build` in editor/; returns spawnSync's result. */
export function buildEditor(opts = {}) {
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  return spawnSync(npx, ['vite', 'build'], { cwd: EDITOR, env: process.env, ...opts });
}
