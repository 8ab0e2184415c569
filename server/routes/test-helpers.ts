/**
 * Test helpers for the API: a fresh in-memory database with the sample regions, rule versions and
 * data, one user per role, and a small client that keeps each user's session cookie.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase, openStore, type OpenedDatabase } from '../db/client.ts';
import { createUser } from '../db/users.ts';
import { loadRegions, parseRegionsCsv } from '../db/regions.ts';
import { createDraft, type Version } from '../db/versions.ts';
import { approveVersion, requestPublication } from '../db/version-publication.ts';
import { saveDatasetGrid } from '../db/datasets.ts';
import { createApp, type AppOptions, type EcoscoreApp } from '../app.ts';
import { hashPassword } from '../auth/password.ts';
import { ensureAdmin } from '../auth/store.ts';
import type { Role } from '../auth/roles.ts';
import type { RuleDocument } from '../../engine/types.ts';
import { check, compileBody } from './validation.ts';
import { hooked } from '../db/test-fixture.ts';

export const PASSWORD = 'test-password-1';
export const ROLE_USERS: Record<Role, string> = {
  admin: 'admin',
  editor: 'ed',
  assessor: 'asa',
  reviewer: 'rev',
  region: 'cc',
};
/** The region the fixture's region account (`ROLE_USERS.region`) is bound to: 长春市. */
export const FIXTURE_REGION = '220100';

const root = new URL('../../', import.meta.url);
export const readRepoFile = (path: string): string => readFileSync(new URL(path, root), 'utf8');
export const sampleDocument = (year: number): RuleDocument =>
  JSON.parse(readRepoFile(`rules/jilin-eco-target/${year}.json`));
export const sampleData = (year: number) =>
  JSON.parse(readRepoFile(`rules/sample-data/${year}.json`)) as {
    year: number;
    regions: {
      code: string;
      name: string;
      values: Record<string, unknown>;
      previous?: Record<string, unknown>;
    }[];
  };

let cachedHash: Promise<string> | undefined;

export interface Fixture {
  opened: OpenedDatabase;
  app: EcoscoreApp;
  /** Published versions by year (2023, 2024), and the 2025 draft. */
  published: Record<number, Version>;
  draft2025: Version;
  /** Requests as a user of the role (or without a session for `null`). */
  as: (role: Role | null) => Client;
  close(): void;
}

export interface Client {
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  json<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T; res: Response }>;
}

/** A client of the app with an optional cookie. */
export function client(app: EcoscoreApp, cookie?: string): Client {
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const h: Record<string, string> = { ...headers };
    if (cookie) h.cookie = cookie;
    let payload: BodyInit | undefined;
    if (body !== undefined) {
      if (typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer)
        payload = body as BodyInit;
      else {
        payload = JSON.stringify(body);
        h['content-type'] ??= 'application/json';
      }
    }
    return Promise.resolve(app.request(path, { method, headers: h, body: payload }));
  };
  return {
    request,
    async json(method, path, body, headers) {
      const res = await request(method, path, body, headers);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, res };
    },
  };
}

/** Logs in and returns the `name=value` cookie pair. */
export async function login(app: EcoscoreApp, username: string, password = PASSWORD): Promise<string> {
  const res = await app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return res.headers.get('set-cookie')!.split(';')[0];
}

/**
 * A fresh in-memory database with regions, rule versions 2023 and 2024 published, 2025 as a draft
 * (copied from 2024's version with 2025's sample document), data for 2024 and 2025, and a user per
 * role; `seedData: false` leaves out rules and data.
 */
/**
 * The database of a fixture: in-memory SQLite, or the PostgreSQL `ECOSCORE_TEST_DB` names
 * (`pglite:` runs the route tests on PostgreSQL in-process; a `postgres://` server gets a new database
 * per fixture). On PostgreSQL `sqlite` is absent: a
 * test that reaches behind the repository into better-sqlite3 does not apply there.
 */
export async function openTestDatabase(): Promise<OpenedDatabase> {
  const url = process.env.ECOSCORE_TEST_DB?.trim();
  if (!url) return openDatabase(':memory:');
  const store = await openStore(/^postgres(ql)?:\/\//i.test(url) ? await freshPgDatabase(url) : url);
  return {
    db: store.db,
    sqlite: undefined as unknown as OpenedDatabase['sqlite'],
    path: store.path,
    close: () => void store.close(),
  };
}

/** A new empty database on the PostgreSQL server `url` names (each fixture starts empty, as in memory). */
async function freshPgDatabase(url: string): Promise<string> {
  const admin = await openStore(url, { readonly: true });
  const name = `ecoscore_test_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  try {
    await admin.db.run(sql.raw(`CREATE DATABASE ${name}`));
  } finally {
    await admin.close();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function makeFixture(
  opts: { seedData?: boolean; app?: Partial<AppOptions> } = {},
): Promise<Fixture> {
  const opened = await openTestDatabase();
  const { db } = opened;
  await ensureAdmin(db, PASSWORD);
  cachedHash ??= hashPassword(PASSWORD);
  const passwordHash = await cachedHash;
  for (const role of ['editor', 'assessor', 'reviewer'] as const) {
    await createUser(
      db,
      { username: ROLE_USERS[role], displayName: `${role} user`, role, passwordHash },
      'system',
    );
  }
  const published: Record<number, Version> = {};
  let draft2025 = undefined as unknown as Version;
  if (opts.seedData !== false) {
    await loadRegions(db, parseRegionsCsv(readRepoFile('rules/regions.csv')), 'system');
    await createUser(
      db,
      {
        username: ROLE_USERS.region,
        displayName: '长春市账号',
        role: 'region',
        region: FIXTURE_REGION,
        passwordHash,
      },
      'system',
    );
    for (const year of [2023, 2024]) {
      const v = await createDraft(db, { document: sampleDocument(year) }, 'system');
      await requestPublication(db, v.id, {}, 'system');
      published[year] = await approveVersion(
        db,
        v.id,
        { docNumber: `吉环考〔${year}〕1号`, effectiveDate: `${year}-01-01` },
        'seed',
      );
    }
    draft2025 = await createDraft(db, { document: sampleDocument(2025) }, 'system');
    for (const year of [2024, 2025]) {
      const data = sampleData(year);
      await saveDatasetGrid(
        db,
        year,
        {
          // 2024 is the first stored year: its last-year values (2023's) come with it as prev.KEY
          regions: data.regions.map((r) => ({
            code: r.code,
            values: year === 2024 ? withStoredPrevious(r) : r.values,
          })),
        },
        {
          versionId: year === 2025 ? draft2025.id : published[year].id,
          actor: 'system',
          source: 'provincial',
        },
      );
    }
  }
  const app = createApp({ db, log: () => {}, ...opts.app });
  await app.ready;
  const cookies = new Map<Role, string>();
  for (const role of Object.keys(ROLE_USERS) as Role[])
    if (role !== 'region' || opts.seedData !== false) cookies.set(role, await login(app, ROLE_USERS[role]));
  return {
    opened,
    app,
    published,
    draft2025,
    as: (role) => client(app, role ? cookies.get(role) : undefined),
    close: () => opened.close(),
  };
}

/** The fixture of the enclosing `describe` block (or file): made before its tests, closed after them. */
export function useFixture(opts: Parameters<typeof makeFixture>[0] = {}): Fixture {
  return hooked(() => makeFixture(opts), { before: beforeAll, after: afterAll }, [
    'opened',
    'app',
    'published',
    'draft2025',
    'as',
    'close',
  ]);
}

/**
 * Creates a user through the API, as the admin: `displayName` defaults to the username and
 * `password` to PASSWORD. The response, unchecked.
 */
export function postUser(
  f: Fixture,
  user: { username: string; role: string; displayName?: string; region?: string; password?: string },
) {
  return f
    .as('admin')
    .json('POST', '/api/users', { displayName: user.username, password: PASSWORD, ...user });
}

/** Starts a run of the published version of `year` on that year's data, as the assessor; its id. */
export async function startRun(f: Fixture, year: number): Promise<number> {
  const r = await f.as('assessor').json('POST', '/api/runs', { versionId: f.published[year].id, year });
  if (r.status !== 201) throw new Error(`run ${year}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id;
}

/**
 * Checks a response body against the schema the route declares for that status (the OpenAPI
 * document's promise); returns the problems (empty when it matches).
 */
export function schemaProblems(
  app: EcoscoreApp,
  method: string,
  path: string,
  status: number,
  body: unknown,
) {
  const spec = app.apiRoutes.find((r) => r.method === method.toLowerCase() && r.path === path);
  if (!spec) throw new Error(`no route ${method} ${path}`);
  const schema = spec.responses[status]?.schema;
  if (!schema) throw new Error(`${method} ${path} declares no schema for ${status}`);
  return check(compileBody(schema), body);
}

/**
 * A sample region's values as the grid stores them for a year whose year before is not stored: its
 * last year's values (`previous`) as `prev.KEY` cells beside its own.
 */
export function withStoredPrevious(r: {
  values: Record<string, unknown>;
  previous?: Record<string, unknown>;
}) {
  return {
    ...r.values,
    ...Object.fromEntries(Object.entries(r.previous ?? {}).map(([k, v]) => [`prev.${k}`, v])),
  };
}
