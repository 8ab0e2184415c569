/**
 * Load benchmark of the HTTP API (`npm run bench:api`): starts the real server process on a free
 * port with a fresh temporary database (seeded with the samples), publishes the 2025 sample rules,
 * runs the 2025 assessment, then drives it with autocannon, 50 connections:
 *
 *   1. GET  /api/runs/:id           — reading a run's results (the ranking of every region)
 *   2. POST /api/evaluate           — the 2025 sample document and all regions' 2025 data (preview)
 *   3. POST /api/evaluate           — the same by versionId, on the stored 2025 data
 *
 * and prints requests per second and p50 / p99 latency. BENCH_SECONDS sets each run's length
 * (default 10), BENCH_CONNECTIONS the connections (default 50).
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

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'ecoscore-bench-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      ECOSCORE_DB: join(dir, 'bench.db'),
      ECOSCORE_ADMIN_PASSWORD: password,
      ECOSCORE_ACCESS_LOG: '0',
      ECOSCORE_FOUR_EYES: '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    for (let i = 0; ; i++) {
      if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
      try {
        if ((await fetch(`${base}/api/health`)).ok) break;
      } catch {
        /* not up yet */
      }
      if (i > 600) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }

    const login = await call(base, '', 'POST', '/api/auth/login', { username: 'admin', password });
    const cookie = login.res.headers.get('set-cookie')!.split(';')[0];
    const versions = (await call(base, cookie, 'GET', '/api/versions?year=2025')).body.versions as {
      id: number;
      status: string;
    }[];
    let v2025 = versions.find((v) => v.status === 'published');
    if (!v2025) {
      const draft = versions.find((v) => v.status === 'draft');
      if (!draft) throw new Error('no 2025 version in the seed');
      // Four eyes would need a second person: the bench server runs with ECOSCORE_FOUR_EYES=0.
      v2025 = (
        await call(base, cookie, 'POST', `/api/versions/${draft.id}/publish`, {
          docNumber: '吉环考〔2025〕1号',
          effectiveDate: '2025-01-01',
        })
      ).body;
    }
    const run = (await call(base, cookie, 'POST', '/api/runs', { versionId: v2025!.id, year: 2025 })).body;
    const document = JSON.parse(readFileSync(join(root, 'rules/jilin-eco-target/2025.json'), 'utf8'));
    const dataset = JSON.parse(readFileSync(join(root, 'rules/sample-data/2025.json'), 'utf8'));
    const headers = { cookie, 'content-type': 'application/json' };
    const previewBody = JSON.stringify({ document, dataset });
    const check = await call(base, cookie, 'POST', '/api/evaluate', { document, dataset });
    console.log(
      `ecoscore API benchmark: ${connections} connections, ${seconds} s each, ${cpus().length} CPU(s), Node ${process.version}; ` +
        `2025 sample: ${check.body.results.length} regions scored, run ${run.id} with ${run.counts.scored} results`,
    );

    const figures: Figures[] = [];
    figures.push(
      await load(`GET /api/runs/${run.id} (read a run's results)`, {
        url: `${base}/api/runs/${run.id}`,
        headers: { cookie },
      }),
    );
    figures.push(
      await load('POST /api/evaluate (2025 document + all regions, traces)', {
        url: `${base}/api/evaluate`,
        method: 'POST',
        headers,
        body: previewBody,
      }),
    );
    figures.push(
      await load('POST /api/evaluate (versionId, stored 2025 data, no traces)', {
        url: `${base}/api/evaluate`,
        method: 'POST',
        headers,
        body: JSON.stringify({ versionId: v2025!.id, trace: false }),
      }),
    );

    console.log('');
    console.log('| scenario | req/s | p50 ms | p99 ms | errors | non-2xx | bytes/resp |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const f of figures) {
      console.log(
        `| ${f.name} | ${f.requestsPerSecond.toFixed(0)} | ${f.p50} | ${f.p99} | ${f.errors} | ${f.non2xx} | ${f.bytesPerRequest} |`,
      );
    }
    if (figures.some((f) => f.errors > 0 || f.non2xx > 0)) process.exitCode = 1;
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
