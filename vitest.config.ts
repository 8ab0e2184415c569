import { defineConfig } from 'vitest/config';

export default defineConfig({
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
