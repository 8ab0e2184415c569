/**
 * Several server processes on one database behave as one (SPEC section 14): two real server
 * processes (server/main.ts, as `npm start` runs it) on one SQLite file and on one PostgreSQL server
 * (a throwaway one from pg-cluster.ts; skipped with a message when PostgreSQL is not installed).
 * A session begun on one answers on the other and a logout on either ends it on both at once;
 * failed sign-ins are counted across both; two concurrent edits of one draft with the same If-Match
 * leave one winner; a data import on one while the other reads shows the old data or the new,
 * never half.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPgCluster, type PgCluster } from '../server/db/pg-cluster.ts';
import { projectPath } from '../server/runtime.ts';

const ADMIN_PASSWORD = 'two-process-admin-pw';
const TSX = projectPath('node_modules', 'tsx', 'dist', 'esm', 'index.mjs');

interface Server {
  base: string;
  child: ChildProcess;
  output: () => string;
}

/** Starts `server/main.ts` in its own process and resolves once it listens. */
function startServer(env: NodeJS.ProcessEnv): Promise<Server> {
  const child = spawn(process.execPath, ['--import', TSX, projectPath('server', 'main.ts')], {
    cwd: projectPath(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/[^:\s]+:(\d+)/.exec(out);
      if (m) resolve({ base: `http://127.0.0.1:${m[1]}`, child, output: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${out}`)));
  });
}

async function stopServer(s: Server | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (s.child.exitCode === null) s.child.kill('SIGKILL');
}

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

async function call(
  s: Server,
  method: string,
  path: string,
  opts: { cookie?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.cookie) headers.cookie = opts.cookie;
  let body: string | undefined = opts.raw;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(s.base + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

async function signIn(s: Server, username = 'admin', password = ADMIN_PASSWORD): Promise<string> {
  const r = await fetch(s.base + '/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(r.status).toBe(200);
  return r.headers.get('set-cookie')!.split(';')[0];
}

const cluster: PgCluster | { skip: string } = await startPgCluster();
if ('skip' in cluster) console.warn(`two-process test on PostgreSQL skipped: ${cluster.skip}`);
afterAll(() => {
  if (!('skip' in cluster)) cluster.stop();
});

describe.each([['SQLite file'], ['PostgreSQL server']])('two server processes on one %s', (kind) => {
  const pg = kind.startsWith('PostgreSQL');
  const skip = pg && 'skip' in cluster ? cluster.skip : undefined;
  let dir: string;
  let a: Server | undefined;
  let b: Server | undefined;
  let cookie = '';

  beforeAll(async () => {
    if (skip) return;
    dir = mkdtempSync(join(tmpdir(), 'ecoscore-2proc-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ECOSCORE_DB: pg ? (cluster as PgCluster).url : join(dir, 'ecoscore.db'),
      ECOSCORE_KEY_FILE: join(dir, 'signing.key'),
      ECOSCORE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      ECOSCORE_ACCESS_LOG: '0',
      ECOSCORE_ENGINE_WORKERS: '1',
      // A lockout long enough that a loaded machine answers both processes' attempts inside it.
      ECOSCORE_LOGIN_DELAY_MS: '60000',
      HOST: '127.0.0.1',
      PORT: '0',
    };
    // A first (it migrates and seeds the empty database), then B on what A made.
    a = await startServer(env);
    b = await startServer(env);
    cookie = await signIn(a);
  }, 600_000);
  afterAll(async () => {
    await Promise.all([stopServer(a), stopServer(b)]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);
  beforeEach(({ skip: skipTest }) => {
    if (skip) skipTest(`PostgreSQL not available: ${skip}`);
  });

  it('a session begun on A answers on B; a logout on B ends it on A at once', async () => {
    const mine = await signIn(a!);
    expect((await call(b!, 'GET', '/api/auth/me', { cookie: mine })).body.user.username).toBe('admin');
    expect((await call(a!, 'GET', '/api/auth/me', { cookie: mine })).status).toBe(200);
    expect((await call(b!, 'POST', '/api/auth/logout', { cookie: mine })).status).toBeLessThan(300);
    expect((await call(a!, 'GET', '/api/auth/me', { cookie: mine })).status).toBe(401);
    expect((await call(b!, 'GET', '/api/auth/me', { cookie: mine })).status).toBe(401);
    // The other session is untouched.
    expect((await call(a!, 'GET', '/api/auth/me', { cookie })).status).toBe(200);
  });

  it('counts failed sign-ins across both processes', async () => {
    const username = `nobody-${pg ? 'pg' : 'sqlite'}`;
    // The default limit: 5 failures per username + address; spread over A and B.
    for (let i = 0; i < 5; i++) {
      const r = await call(i % 2 ? b! : a!, 'POST', '/api/auth/login', {
        body: { username, password: 'wrong' },
      });
      expect(r.status).toBe(401);
    }
    // Both at once, well within the first delay.
    const [onA, onB] = await Promise.all(
      [a!, b!].map((s) => call(s, 'POST', '/api/auth/login', { body: { username, password: 'wrong' } })),
    );
    expect([onA.status, onB.status]).toEqual([429, 429]);
    expect(Number(onB.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('two concurrent edits of one draft with the same If-Match: one wins, the other is refused', async () => {
    const list = (await call(a!, 'GET', '/api/versions', { cookie })).body.versions as {
      id: number;
      status: string;
    }[];
    const draft = list.find((v) => v.status === 'draft');
    expect(draft).toBeDefined();
    const read = await call(b!, 'GET', `/api/versions/${draft!.id}`, { cookie });
    const etag = read.headers.get('etag')!;
    const put = (s: Server) =>
      call(s, 'PUT', `/api/versions/${draft!.id}`, {
        cookie,
        headers: { 'if-match': etag },
        body: { document: read.body.document },
      });
    const results = await Promise.all([put(a!), put(b!)]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([409, 412]).toContain(statuses[1]);
    const after = await call(a!, 'GET', `/api/versions/${draft!.id}`, { cookie });
    expect(after.body.revision).toBe(read.body.revision + 1);
  });

  it('a data import on A while B reads: B sees the old data or the new, never half', async () => {
    const versions = (await call(a!, 'GET', '/api/versions', { cookie })).body.versions as {
      id: number;
      year: number;
      status: string;
    }[];
    const published = versions.filter((v) => v.status === 'published').sort((x, y) => y.year - x.year)[0];
    const year = published.year;
    const exported = (await call(a!, 'GET', `/api/datasets/${year}/export?format=json`, { cookie })).body as {
      regions: { code: string; values: Record<string, unknown> }[];
    };
    // An integer input above 100 in every region (a quantity, not a rate): each region's is raised by 1.
    const keys = Object.keys(exported.regions[0].values).sort();
    const key = keys.find((k) =>
      exported.regions.every((r) => Number.isInteger(r.values[k]) && (r.values[k] as number) > 100),
    );
    expect(key).toBeDefined();
    const old = new Map(exported.regions.map((r) => [r.code, r.values[key!] as number]));
    for (const r of exported.regions) r.values[key!] = (r.values[key!] as number) + 1;

    let importing = true;
    const seen: string[] = [];
    const reader = (async () => {
      while (importing) {
        const grid = (await call(b!, 'GET', `/api/datasets/${year}`, { cookie })).body as {
          regions: { code: string; values: Record<string, unknown> }[];
        };
        const raised = grid.regions.filter((r) => old.has(r.code) && r.values[key!] === old.get(r.code)! + 1);
        seen.push(
          raised.length === 0 ? 'old' : raised.length === old.size ? 'new' : `half (${raised.length})`,
        );
      }
    })();
    const imported = await call(
      a!,
      'POST',
      `/api/datasets/${year}/import?versionId=${published.id}&format=json`,
      {
        cookie,
        raw: JSON.stringify(exported),
        headers: { 'content-type': 'application/json' },
      },
    );
    importing = false;
    await reader;
    expect(imported.status, JSON.stringify(imported.body).slice(0, 500)).toBe(200);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((s) => s !== 'old' && s !== 'new')).toEqual([]);
    const final = (await call(b!, 'GET', `/api/datasets/${year}`, { cookie })).body as {
      regions: { code: string; values: Record<string, unknown> }[];
    };
    expect(
      final.regions.filter((r) => old.has(r.code)).every((r) => r.values[key!] === old.get(r.code)! + 1),
    ).toBe(true);
  });
});
