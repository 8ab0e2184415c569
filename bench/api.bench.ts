/**
 * Load benchmark of the HTTP API (`npm run bench:api`): starts the real server process (the compiled
 * build, as `npm start` runs it) on a free
 * port with a fresh database (seeded with the samples) — timing its start to the first
 * answer and its idle memory — publishes the 2025 sample rules, runs the 2025 assessment, then
 * drives it with autocannon, 50 connections:
 *
 *   0. GET  /api/health on a bare Hono app (bench/bare-hono.ts), same machine: the baseline
 *   1. GET  /api/health with a session cookie (session lookup, every middleware)
 *   2. GET  /api/runs/:id           — reading a run's results (the ranking of every region)
 *   3. GET  /api/runs/:id/regions/:code — one region's result with its trace
 *   4. POST /api/evaluate           — by versionId, on the stored 2025 data, traces on and off
 *   5. POST /api/evaluate           — the 2025 sample document and all regions' 2025 data (preview)
 *
 * and prints requests per second, p50 / p99 latency and the ratios the targets name. The same
 * workload runs on SQLite and then on PostgreSQL (`ECOSCORE_BENCH_PG=postgres://…`, an empty database
 * it may write to, else a throwaway server from server/db/pg-cluster.ts; skipped with a message when
 * neither is available), printed side by side.
 * BENCH_SECONDS sets each run's length (default 10), BENCH_CONNECTIONS the connections (default 50).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const root = fileURLToPath(new URL('..', import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const password = 'bench-admin-password';

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

async function call(base: string, cookie: string, method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { res, body: text ? JSON.parse(text) : undefined };
}

interface Figures {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  bytesPerRequest: number;
}

async function load(name: string, opts: autocannon.Options): Promise<Figures> {
  const result = await autocannon({ connections, duration: seconds, ...opts });
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    bytesPerRequest: result.requests.total ? Math.round(result.throughput.total / result.requests.total) : 0,
  };
}

async function waitUp(base: string, child: ReturnType<typeof spawn>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return performance.now() - t0;
    } catch {
      /* not up yet */
    }
    // Seeding a new PostgreSQL database, or a busy machine, can take minutes.
    if (performance.now() - t0 > 300_000) throw new Error(`did not start within 300 s (${i} tries)`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resident memory of a process, from /proc (Linux). */
function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function stop(child: ReturnType<typeof spawn>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

interface DbRun {
  label: string;
  figures: Figures[];
  startMs: number;
  firstStartMs: number;
  idleRss: number;
  busyRss: number;
  regions: number;
  scored: number;
}

/** The whole workload against one server process on the database `dbEnv` names. */
async function runOn(label: string, dbEnv: NodeJS.ProcessEnv): Promise<DbRun> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    PORT: String(port),
    ECOSCORE_ADMIN_PASSWORD: password,
    ECOSCORE_FOUR_EYES: '0',
    ECOSCORE_ACCESS_LOG: '0',
    ...dbEnv,
  };
  const start = () =>
    // What `npm start` runs (without npm): the compiled server, dist/ rebuilt first if stale.
    spawn(process.execPath, ['bin/start.js'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  // The first start seeds the database; the second is the one users see every day.
  let server = start();
  const firstStartMs = await waitUp(base, server);
  await stop(server);
  server = start();
  try {
    const startMs = await waitUp(base, server);
    await new Promise((r) => setTimeout(r, 1000));
    const idleRss = rssOf(server.pid!);
    const login = await call(base, '', 'POST', '/api/auth/login', { username: 'admin', password });
    const cookie = login.res.headers.get('set-cookie')!.split(';')[0];
    const versions = (await call(base, cookie, 'GET', '/api/versions?year=2025')).body.versions as {
      id: number;
      status: string;
    }[];
    let v2025 = versions.find((v) => v.status === 'published');
    if (!v2025) {
      const draft = versions.find((v) => v.status === 'draft');
      if (!draft) throw new Error(`${label}: no 2025 version in the seed`);
      // Four eyes would need a second person: the bench server runs with ECOSCORE_FOUR_EYES=0.
      v2025 = (
        await call(base, cookie, 'POST', `/api/versions/${draft.id}/publish`, {
          docNumber: '吉环考〔2025〕1号',
          effectiveDate: '2025-01-01',
        })
      ).body;
    }
    const run = (await call(base, cookie, 'POST', '/api/runs', { versionId: v2025!.id, year: 2025 })).body;
    const region = (await call(base, cookie, 'GET', `/api/runs/${run.id}`)).body.results[0].region as string;
    const document = JSON.parse(readFileSync(join(root, 'rules/jilin-eco-target/2025.json'), 'utf8'));
    const dataset = JSON.parse(readFileSync(join(root, 'rules/sample-data/2025.json'), 'utf8'));
    const headers = { cookie, 'content-type': 'application/json' };
    const check = await call(base, cookie, 'POST', '/api/evaluate', { document, dataset });
    const figures: Figures[] = [];
    figures.push(
      await load('GET /api/health with a session', { url: `${base}/api/health`, headers: { cookie } }),
    );
    figures.push(
      await load(`GET /api/runs/:id (a run's results)`, {
        url: `${base}/api/runs/${run.id}`,
        headers: { cookie },
      }),
    );
    figures.push(
      await load(`GET /api/runs/:id/regions/:code (one region, trace)`, {
        url: `${base}/api/runs/${run.id}/regions/${region}`,
        headers: { cookie },
      }),
    );
    figures.push(
      await load('POST /api/evaluate (versionId, stored data, traces)', {
        url: `${base}/api/evaluate`,
        method: 'POST',
        headers,
        body: JSON.stringify({ versionId: v2025!.id }),
      }),
    );
    figures.push(
      await load('POST /api/evaluate (versionId, stored data, no traces)', {
        url: `${base}/api/evaluate`,
        method: 'POST',
        headers,
        body: JSON.stringify({ versionId: v2025!.id, trace: false }),
      }),
    );
    figures.push(
      await load('POST /api/evaluate (document + all regions, traces)', {
        url: `${base}/api/evaluate`,
        method: 'POST',
        headers,
        body: JSON.stringify({ document, dataset }),
      }),
    );
    return {
      label,
      figures,
      startMs,
      firstStartMs,
      idleRss,
      busyRss: rssOf(server.pid!),
      regions: check.body.results.length,
      scored: run.counts.scored,
    };
  } finally {
    await stop(server);
  }
}

/** The PostgreSQL to run on: ECOSCORE_BENCH_PG, else a throwaway server; undefined (with why) without one. */
async function postgres(): Promise<{ url: string; stop: () => void } | { skip: string }> {
  const given = process.env.ECOSCORE_BENCH_PG?.trim();
  if (given) return { url: given, stop: () => undefined };
  const { startPgCluster } = await import('../server/db/pg-cluster.ts');
  return await startPgCluster();
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'ecoscore-bench-'));
  const barePort = await freePort();
  const bare = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-hono.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(barePort) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pg = await postgres();
  try {
    await waitUp(`http://127.0.0.1:${barePort}`, bare);
    const bareHealth = await load('GET /api/health, bare Hono app (baseline)', {
      url: `http://127.0.0.1:${barePort}/api/health`,
    });
    const runs = [await runOn('SQLite', { ECOSCORE_DB: join(dir, 'bench.db') })];
    if ('skip' in pg)
      console.log(`PostgreSQL part skipped: ${pg.skip} (or set ECOSCORE_BENCH_PG=postgres://…)`);
    else
      runs.push(await runOn('PostgreSQL', { ECOSCORE_DB: pg.url, ECOSCORE_KEY_FILE: join(dir, 'pg.key') }));
    const [lite] = runs;
    console.log(
      `ecoscore API benchmark: ${connections} connections, ${seconds} s each, ${cpus().length} CPU(s), Node ${process.version}; ` +
        `2025 sample: ${lite.regions} regions scored, a run with ${lite.scored} results`,
    );
    for (const r of runs)
      console.log(
        `${r.label}: server start to first answer ${r.startMs.toFixed(0)} ms (first start, seeding: ${r.firstStartMs.toFixed(0)} ms); idle RSS ${(r.idleRss / 1048576).toFixed(0)} MB, after the load ${(r.busyRss / 1048576).toFixed(0)} MB`,
      );
    console.log('');
    console.log(
      `| scenario | ${runs.map((r) => `${r.label} req/s | p50 ms | p99 ms`).join(' | ')} | errors + non-2xx |`,
    );
    console.log(`|---|${runs.map(() => '---:|---:|---:').join('|')}|---:|`);
    console.log(
      `| ${bareHealth.name} | ${runs.map(() => `${bareHealth.requestsPerSecond.toFixed(0)} | ${bareHealth.p50} | ${bareHealth.p99}`).join(' | ')} | ${bareHealth.errors + bareHealth.non2xx} |`,
    );
    for (let i = 0; i < lite.figures.length; i++)
      console.log(
        `| ${lite.figures[i].name} | ${runs
          .map(
            (r) => `${r.figures[i].requestsPerSecond.toFixed(0)} | ${r.figures[i].p50} | ${r.figures[i].p99}`,
          )
          .join(' | ')} | ${runs.reduce((n, r) => n + r.figures[i].errors + r.figures[i].non2xx, 0)} |`,
      );
    const ok = (b: boolean) => (b ? 'met' : 'NOT MET');
    for (const r of runs) {
      const [health, runRead, , byVersion, byVersionNoTrace] = r.figures;
      const share = health.requestsPerSecond / bareHealth.requestsPerSecond;
      console.log(`\ntargets on ${r.label}`);
      console.log(
        `  GET /api/health with a session ≥ 50 % of bare Hono: ${(100 * share).toFixed(0)} %  ${ok(share >= 0.5)}`,
      );
      console.log(
        `  GET /api/runs/:id ≥ 5,000 req/s, p99 < 20 ms: ${runRead.requestsPerSecond.toFixed(0)} req/s, p99 ${runRead.p99} ms  ${ok(runRead.requestsPerSecond >= 5000 && runRead.p99 < 20)}`,
      );
      for (const f of [byVersion, byVersionNoTrace])
        console.log(
          `  ${f.name} ≥ 2,000 req/s, p99 < 50 ms: ${f.requestsPerSecond.toFixed(0)} req/s, p99 ${f.p99} ms  ${ok(f.requestsPerSecond >= 2000 && f.p99 < 50)}`,
        );
      console.log(`  first answer < 1 s after start: ${r.startMs.toFixed(0)} ms  ${ok(r.startMs < 1000)}`);
      console.log(
        `  idle RSS < 100 MB: ${(r.idleRss / 1048576).toFixed(0)} MB  ${ok(r.idleRss < 100 * 1048576)}`,
      );
    }
    if ([bareHealth, ...runs.flatMap((r) => r.figures)].some((f) => f.errors > 0 || f.non2xx > 0))
      process.exitCode = 1;
  } finally {
    await stop(bare);
    if (!('skip' in pg)) pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
