#!/usr/bin/env node
/**
 * `npm start`: builds the editor when its build is missing or older than its sources,
 * then runs the server (server/main.ts, through tsx) in this process. If editor/ holds no app yet,
 * or its build fails, the API starts without it and says so.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILT, ROOT as root, buildEditor, editorBuildIsStale, editorExists } from './editor-build.js';

if (!editorExists()) {
  console.log('editor/ has no app yet: starting the API without the editor.');
} else if (editorBuildIsStale()) {
  console.log(
    existsSync(BUILT)
      ? 'The editor changed since its last build: rebuilding it…'
      : 'Building the editor (first start)…',
  );
  const r = buildEditor({ stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(BUILT)) {
    console.error('The editor build failed: starting the API without the editor (see the errors above).');
  }
}

const { register } = await import('tsx/esm/api');
register();
const { main } = await import(pathToFileURL(join(root, 'server', 'main.ts')).href);
await main();
