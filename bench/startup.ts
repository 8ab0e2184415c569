/**
 * Start-up benchmark (`npm run bench:startup`): runs `npm start` (or the command in
 * BENCH_START, e.g. `node bin/start.js`) on a free port with a temporary database and measures
 *
 *   - the time from spawning the command to the first 200 of `GET /api/health`,
 *   - the resident memory (RSS) of the server's node process, and of the whole process tree
 *     (npm included), after it has served `/` and `/api/health` and then idled for a second.
 *
 * The first run starts on an empty database (migrations and the sample seed); the next runs
 * (BENCH_RUNS, default 3) restart on that database, which is what a later `npm start` does. The
 * editor's build and dist/ must already exist (run `npm start` once), otherwise the first run
 * measures the builds. Linux or macOS (`ps` reads the memory).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const command = process.env.BENCH_START ?? 'npm start';
const runs = Number(process.env.BENCH_RUNS ?? 3);
const TIMEOUT_MS = 120_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Proc {
  pid: number;
  ppid: number;
  rssKb: number;
  args: string;
}

/** The process `pid` and all its descendants, from `ps`. */
function processTree(pid: number): Proc[] {
  const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,rss=,args='], { encoding: 'utf8' });
  const all = out
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), rssKb: Number(m[3]), args: m[4] }));
  const tree: Proc[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    for (const proc of all) {
      if (proc.pid === p) tree.push(proc);
      if (proc.ppid === p) queue.push(proc.pid);
    }
  }
  return tree;
}

/** User + system CPU time of `pid` in ms, from /proc (Linux), or undefined. */
function cpuTimeMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, counted from the state (field 3) here.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

async function waitForHealth(base: string, child: ChildProcess, started: number): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}`);
    if (performance.now() - started > TIMEOUT_MS) throw new Error(`no 200 within ${TIMEOUT_MS} ms`);
    try {
      const res = await fetch(`${base}/api/health`);
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - started;
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
}

interface Measure {
  ms: number;
  /** CPU time (user + system) of the server process up to the first 200, when /proc tells it. */
  cpuMs: number | undefined;
  serverMb: number;
  treeMb: number;
  editor: boolean;
}

async function once(dbPath: string): Promise<Measure> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const [cmd, ...args] = command.split(' ');
  const started = performance.now();
  const child = spawn(cmd!, args, {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ECOSCORE_DB: dbPath,
      ECOSCORE_ADMIN_PASSWORD: 'bench-admin-password',
      ECOSCORE_ACCESS_LOG: '0',
    },
  });
  try {
    const ms = await waitForHealth(base, child, started);
    const cpuMs = processTree(child.pid!)
      .filter((p) => /\bnode\b/.test(p.args.split(' ')[0] ?? ''))
      .reduce<number | undefined>((sum, p) => {
        const cpu = cpuTimeMs(p.pid);
        return cpu === undefined ? sum : (sum ?? 0) + cpu;
      }, undefined);
    const page = await fetch(`${base}/`);
    const html = await page.text();
    const editor = page.status === 200 && html.includes('<html');
    await sleep(1000);
    const tree = processTree(child.pid!);
    const servers = tree.filter((p) => /\bnode\b/.test(p.args.split(' ')[0] ?? ''));
    const server = servers.sort((a, b) => b.rssKb - a.rssKb)[0] ?? tree[0]!;
    const treeKb = tree.reduce((sum, p) => sum + p.rssKb, 0);
    return { ms, cpuMs, serverMb: server.rssKb / 1024, treeMb: treeKb / 1024, editor };
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'ecoscore-startup-'));
const dbPath = join(dir, 'bench.db');
try {
  const row = (label: string, m: Measure) =>
    console.log(
      `${label.padEnd(26)} ${m.ms.toFixed(0).padStart(6)} ms (CPU ${m.cpuMs === undefined ? '?' : m.cpuMs.toFixed(0)} ms)   server RSS ${m.serverMb.toFixed(0).padStart(4)} MB   ` +
        `tree RSS ${m.treeMb.toFixed(0).padStart(4)} MB   editor ${m.editor ? 'served' : 'MISSING'}`,
    );
  console.log(
    `start command: ${command} (time to the first 200 of /api/health and the node processes' CPU time until then; RSS after 1 s idle)`,
  );
  row('empty database (seeding)', await once(dbPath));
  const later: Measure[] = [];
  for (let i = 0; i < runs; i++) {
    const m = await once(dbPath);
    later.push(m);
    row(`restart ${i + 1}`, m);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  if (later.length > 0)
    console.log(
      `median restart: ${median(later.map((m) => m.ms)).toFixed(0)} ms to the first 200 ` +
        `(CPU ${median(later.map((m) => m.cpuMs ?? NaN)).toFixed(0)} ms), ` +
        `server RSS ${median(later.map((m) => m.serverMb)).toFixed(0)} MB`,
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
