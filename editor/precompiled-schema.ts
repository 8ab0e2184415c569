/**
 * A Vite plugin that precompiles the rule document's JSON Schema for the browser. The engine compiles
 * it with ajv at run time (`engine/validate/schema.ts`), which builds functions with `new Function`:
 * the editor's Content-Security-Policy forbids that (no 'unsafe-eval'). Here ajv generates the same
 * validator as standalone source at build time (same options), and the engine module's `validator()`
 * returns it instead of compiling — in the page and in the engine's Web Worker alike.
 */
import type { Plugin } from 'vite';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';

const VIRTUAL = 'virtual:ecoscore-schema-validator';
const RESOLVED = '\0' + VIRTUAL;
const SCHEMA = fileURLToPath(new URL('../rules/schema/rule-document.schema.json', import.meta.url));

/** What engine/validate/schema.ts must contain; the build fails loudly if it changed. */
const AJV_OPTIONS_TEXT = 'new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true })';
const VALIDATOR_FN = /function validator\(\): ValidateFunction \{[\s\S]*?\n\}\n/;

/** ajv's own ucs2length (string length in code points), inlined instead of a CommonJS require. */
const UCS2LENGTH = `function ucs2length(str) {
  const len = str.length; let length = 0; let pos = 0; let value;
  while (pos < len) {
    length++; value = str.charCodeAt(pos++);
    if (value >= 0xd800 && value <= 0xdbff && pos < len) {
      value = str.charCodeAt(pos);
      if ((value & 0xfc00) === 0xdc00) pos++;
    }
  }
  return length;
}`;

function standaloneValidator(): string {
  const schema = JSON.parse(readFileSync(SCHEMA, 'utf8'));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const Ajv = ((Ajv2020 as any).default ?? Ajv2020) as typeof Ajv2020;
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    allowUnionTypes: true,
    code: { source: true, esm: true },
  });
  ajv.addKeyword({ keyword: 'tsType', schemaType: 'string' });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const generate = ((standaloneCode as any).default ?? standaloneCode) as typeof standaloneCode;
  let code = generate(ajv, ajv.compile(schema));
  code = code.replaceAll('require("ajv/dist/runtime/ucs2length").default', 'ucs2length');
  if (/require\(/.test(code))
    throw new Error('precompiled schema: the generated validator still requires a module');
  return `${code}\n${UCS2LENGTH}\n`;
}

export function precompiledSchema(): Plugin {
  return {
    name: 'ecoscore-precompiled-schema',
    enforce: 'pre',
    resolveId(id) {
      return id === VIRTUAL ? RESOLVED : null;
    },
    load(id) {
      return id === RESOLVED ? standaloneValidator() : null;
    },
    transform(code, id) {
      if (!id.replaceAll('\\', '/').endsWith('/engine/validate/schema.ts')) return null;
      if (!code.includes(AJV_OPTIONS_TEXT) || !VALIDATOR_FN.test(code))
        throw new Error(
          'engine/validate/schema.ts changed: update editor/precompiled-schema.ts (the options and validator())',
        );
      return {
        code:
          `import { validate as precompiledValidator } from '${VIRTUAL}';\n` +
          code.replace(
            VALIDATOR_FN,
            'function validator(): ValidateFunction {\n  return precompiledValidator as ValidateFunction;\n}\n',
          ),
        map: null,
      };
    },
  };
}
