/**
 * `ecoscore <command>`: the command line (SPEC section 4). Each command is a module in
 * cli/commands/ exporting `run(args, io)`, which returns the exit code.
 */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

import { installNodeSha256 } from '../server/node-hash.ts';

type Command = { run: (args: string[], io: CliIo) => Promise<number>; summary: string };

const commands: Record<string, () => Promise<Command>> = {
  validate: async () => ({
    ...(await import('./commands/validate.ts')),
    summary: 'validate RULES.json [--json]',
  }),
  evaluate: async () => ({
    ...(await import('./commands/evaluate.ts')),
    summary: 'evaluate RULES.json DATA.(json|csv|xlsx) [--json] [--no-trace]',
  }),
  diff: async () => ({
    ...(await import('./commands/diff.ts')),
    summary: 'diff OLD.json NEW.json [--data DATA] [--json]',
  }),
  backup: async () => ({ ...(await import('./commands/backup.ts')), summary: 'backup FILE [--db PATH]' }),
  verify: async () => ({
    ...(await import('./commands/verify.ts')),
    summary: 'verify [--db PATH] [--key KEYFILE] [--json] | verify --run FILE.json [--key KEYFILE]',
  }),
  check: async () => ({
    ...(await import('./commands/check.ts')),
    summary: 'check RULES.json [--json] [--coverage]',
  }),
  paths: async () => ({
    ...(await import('./commands/paths.ts')),
    summary: 'paths RULES.json DATA --region CODE [--to GRADE] [--json]',
  }),
};

const USAGE = `用法 / usage: ecoscore <command> [options]

  validate RULES.json [--json]                       校验规则文档（含文档自带测试）/ validate a rule document and run its tests
  evaluate RULES.json DATA.(json|csv|xlsx) [--json]  按规则为各地区计分 / score every region of a data file
  diff OLD.json NEW.json [--data DATA] [--json]      比较两个规则版本及其影响 / compare two rule versions and their impact
  backup FILE [--db PATH]                            在线备份数据库 / write a consistent copy of the database
  verify [--db PATH] [--key KEYFILE] [--json]        核验数据库未被篡改 / check the audit chain, hashes, signatures, four eyes
  verify --run FILE.json [--key KEYFILE] [--json]    离线核验封存的考核结果 / check a sealed run offline (re-evaluated)
  check RULES.json [--json] [--coverage]             规则体检 / prove what a document can and cannot do
  paths RULES.json DATA --region CODE [--to GRADE]   整改路径 / smallest changes to reach a better grade

exit codes: 0 ok, 1 invalid document or unscored regions, 2 unreadable input or usage error`;

/** Runs the command line with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  installNodeSha256();
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.stdout : io.stderr)(USAGE + '\n');
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    io.stderr(`未知命令 / unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  let command: Command;
  try {
    command = await load();
  } catch (e) {
    io.stderr(`命令 "${name}" 不可用 / command "${name}" is not available: ${(e as Error).message}\n`);
    return 2;
  }
  return command.run(args, io);
}

/** Splits arguments into positionals and flags (`--json`, `--data FILE`). */
export function parseArgs(
  args: string[],
  valued: string[] = [],
): { positional: string[]; flags: Map<string, string | true> } {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (valued.includes(a.slice(2)) && i + 1 < args.length) flags.set(a.slice(2), args[++i]);
      else flags.set(a.slice(2), true);
    } else positional.push(a);
  }
  return { positional, flags };
}
