import { expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { generateTypes, typesPath } from '../../scripts/gen-types.ts';

test('the TypeScript types are generated from the current JSON Schema (run `npm run gen:types`)', async () => {
  expect(readFileSync(typesPath, 'utf8')).toBe(await generateTypes());
});
