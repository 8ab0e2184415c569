#!/usr/bin/env node
/**
 * `npm start`: compiles dist/ when it is missing or older than its sources and builds the editor
 * when its build is missing or stale (both need the devDependencies; `npm install` already did
 * both through `prepare`), then runs the compiled server (dist/server/main.js) in this process.
 * With both builds present, nothing but Node and the runtime dependencies is needed. If editor/
 * holds no app yet, or its build fails, the API starts without it and says so.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILT, ROOT as root, buildEditor, editorBuildIsStale, editorExists } from './editor-build.js';
import { BuildError, buildDist } from './build.js';

try {
  await buildDist({ log: (line) => console.log(line) });
} catch (e) {
  console.error(e instanceof BuildError ? e.message : e);
  process.exit(1);
}

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
    console.error(
      existsSync(BUILT)
        ? 'The editor build failed: serving its previous build (see the errors above).'
        : 'The editor build failed: starting the API without the editor (see the errors above).',
    );
  }
}

const { main } = await import(pathToFileURL(join(root, 'dist', 'server', 'main.js')).href);
await main();
