import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../../cli/main.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const bin = `${repoRoot}bin/ecoscore.js`;

/** Runs `ecoscore ARGS` as a user would (through the package's bin) and collects its output. */
export function runCli(
  args: string[],
  cwd = repoRoot,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? ((err as NodeJS.ErrnoException & { code?: number }).code as unknown as number) : 0;
        resolve({ code: typeof code === 'number' ? code : 2, stdout, stderr });
      },
    );
  });
}

/** Runs `ecoscore ARGS` in this process (cli/main.ts, from the repository's root) and collects its output. */
export async function cliInProcess(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: repoRoot,
  });
  return { code, stdout, stderr };
}
