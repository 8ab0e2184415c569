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
import { BUILT } from './editor-build.js';
import { BuildError, DIST, buildDist, ensureEditor } from './build.js';

const log = (line) => console.log(line);
try {
  await buildDist({ log });
} catch (e) {
  console.error(e instanceof BuildError ? e.message : e);
  process.exit(1);
}

const editor = ensureEditor({ log });
if (editor === 'none') console.log('editor/ has no app yet: starting the API without the editor.');
if (editor === 'failed') {
  console.error(
    existsSync(BUILT)
      ? 'The editor build failed: serving its previous build (see the errors above).'
      : 'The editor build failed: starting the API without the editor (see the errors above).',
  );
}

const { main } = await import(pathToFileURL(join(DIST, 'server', 'main.js')).href);
await main();
