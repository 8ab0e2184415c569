#!/usr/bin/env node
// The `ecoscore` command: runs the compiled command line (dist/cli/main.js), compiling dist/ first
// when it is missing or older than its sources (which needs the devDependencies).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BuildError, DIST, buildDist } from './build.js';

try {
  await buildDist();
} catch (e) {
  process.stderr.write(`ecoscore: ${e instanceof BuildError ? e.message : e}\n`);
  process.exit(2);
}
const { main } = await import(pathToFileURL(join(DIST, 'cli', 'main.js')).href);
const code = await main(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  cwd: process.cwd(),
});
process.exitCode = code;
