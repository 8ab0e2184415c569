#!/usr/bin/env node
/**
 * `npm start`: builds the editor when it has not been built yet (editor/build/index.html missing),
 * then runs the server (server/main.ts, through tsx) in this process. If editor/ holds no app yet,
 * or its build fails, the API starts without it and says so.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const editor = join(root, 'editor');
const built = join(editor, 'build', 'index.html');

if (!existsSync(built)) {
  const hasApp = existsSync(join(editor, 'svelte.config.js')) && existsSync(join(editor, 'src', 'routes'));
  if (!hasApp) {
    console.log('editor/ has no app yet: starting the API without the editor.');
  } else {
    console.log('Building the editor (first start, about a minute)…');
    const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
    const r = spawnSync(npx, ['vite', 'build'], { cwd: editor, stdio: 'inherit', env: process.env });
    if (r.status !== 0 || !existsSync(built)) {
      console.error('The editor build failed: starting the API without the editor (see the errors above).');
    }
  }
}

const { register } = await import('tsx/esm/api');
register();
const { main } = await import(pathToFileURL(join(root, 'server', 'main.ts')).href);
await main();
