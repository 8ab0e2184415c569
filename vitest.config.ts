import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The editor's modules import the engine as `$engine` (editor/svelte.config.js): the same here.
  resolve: {
    alias: {
      $engine: fileURLToPath(new URL('./engine', import.meta.url)),
      $lib: fileURLToPath(new URL('./editor/src/lib', import.meta.url)),
    },
  },
  test: {
    include: [
      'engine/**/*.test.ts',
      'cli/**/*.test.ts',
      'server/**/*.test.ts',
      'test/**/*.test.ts',
      'editor/src/lib/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
