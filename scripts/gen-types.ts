/**
 * Derives the TypeScript types of the rule document from its JSON Schema, the single source of
 * truth (SPEC section 2). Run `npm run gen:types` after editing rules/schema/rule-document.schema.json;
 * engine/document/types.test.ts fails while the generated file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
export const schemaPath = `${root}rules/schema/rule-document.schema.json`;
export const typesPath = `${root}engine/document/rule-document.generated.ts`;

export async function generateTypes(): Promise<string> {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  return compile(schema, 'RuleDocument', {
    bannerComment:
      '/* Generated from rules/schema/rule-document.schema.json by `npm run gen:types`. Do not edit. */\n' +
      "import type { JsonLogic } from './json-logic.ts';",
    additionalProperties: false,
    unreachableDefinitions: false,
    format: true,
    style: { singleQuote: true, printWidth: 110 },
    cwd: `${root}rules/schema`,
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(typesPath, await generateTypes());
  console.log(`wrote ${typesPath}`);
}
