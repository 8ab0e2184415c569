/**
 * `ecoscore validate RULES.json [--json]`: every problem of a rule document, its own tests
 * included. Exit 0 valid, 1 invalid, 2 unreadable.
 */
import { errorsOf, validateDocument } from '../../engine/index.ts';
import type { CliIo } from '../main.ts';
import { parseArgs } from '../main.ts';
import { CliInputError, readRulesFile } from '../io.ts';

export async function run(args: string[], io: CliIo): Promise<number> {
  const { positional, flags } = parseArgs(args);
  const json = flags.has('json');
  if (positional.length !== 1) {
    io.stderr('用法 / usage: ecoscore validate RULES.json [--json]\n');
    return 2;
  }
  let rules;
  try {
    rules = await readRulesFile(positional[0], io.cwd);
  } catch (e) {
    if (e instanceof CliInputError) {
      if (json)
        io.stdout(
          JSON.stringify(
            { valid: false, errors: [{ path: '', code: 'unreadable', message: e.message }] },
            null,
            2,
          ) + '\n',
        );
      io.stderr(e.message + '\n');
      return 2;
    }
    throw e;
  }
  const errors = validateDocument(rules.document, { sourceBytes: rules.bytes });
  // Warnings (schema version 2, e.g. rubric_stale) are printed but leave the document valid.
  const valid = errorsOf(errors).length === 0;
  if (json) io.stdout(JSON.stringify({ valid, errors }, null, 2) + '\n');
  else {
    for (const p of errors)
      io.stdout(
        `${p.path || '/'} ${p.code} ${p.severity === 'warning' ? '警告 / warning: ' : ''}${p.message}\n`,
      );
    if (valid) io.stdout(`${rules.path}: 有效 / valid\n`);
    else io.stderr(`${rules.path}: ${errors.length} 个问题 / problem${errors.length === 1 ? '' : 's'}\n`);
  }
  return valid ? 0 : 1;
}
