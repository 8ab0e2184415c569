/**
 * The setup the browser tests (test/e2e-*.test.ts) share, on top of test/browser.ts: the editor
 * built, the real server started and Chromium launched with an admin API session, both stopped
 * after; accounts made through the API; the seeded versions by year; waiting assertions on
 * locators.
 *
 * @example
 * let server: TestServer, browser: Browser, admin: Api;
 * beforeAll(async () => ({ server, browser, admin } = await startE2e()), 300_000);
 * afterAll(() => stopE2e(browser, server));
 */
import { expect } from 'vitest';
import type { Browser, Locator } from 'playwright-core';
import {
  apiSession,
  ensureEditorBuilt,
  launchBrowser,
  openPage,
  signIn,
  startServer,
  type OpenedPage,
  type TestServer,
} from '../browser.ts';

/** A signed-in API session: `api(method, path, body?, headers?)` → `{ status, headers, body }`. */
export type Api = Awaited<ReturnType<typeof apiSession>>;

export interface E2e {
  server: TestServer;
  browser: Browser;
  /** The API as the seeded admin. */
  admin: Api;
}

/** Builds the editor when stale, starts the server on a new database, launches Chromium, signs the admin in. */
export async function startE2e(): Promise<E2e> {
  await ensureEditorBuilt();
  const server = await startServer();
  const browser = await launchBrowser();
  const admin = await apiSession(server, 'admin', server.adminPassword);
  return { server, browser, admin };
}

/** Closes the browser and stops the server, whichever of them were started. */
export async function stopE2e(browser: Browser | undefined, server: TestServer | undefined): Promise<void> {
  await browser?.close();
  await server?.stop();
}

/** A new page in a context of its own, signed in (as the admin unless `user` is given). */
export async function signedInPage(
  browser: Browser,
  server: TestServer,
  opts: { width?: number; height?: number; user?: { username: string; password: string } } = {},
): Promise<OpenedPage> {
  const opened = await openPage(browser, opts);
  await signIn(opened.page, server, opts.user);
  return opened;
}

export interface NewUser {
  username: string;
  role: string;
  /** The username when absent. */
  displayName?: string;
  /** `<username>-password-1` when absent. */
  password?: string;
}

/** Creates accounts through the API (each must answer 201). */
export async function addUsers(
  api: Api,
  users: NewUser[],
  headers: Record<string, string> = {},
): Promise<void> {
  for (const u of users) {
    const body = { displayName: u.username, password: `${u.username}-password-1`, ...u };
    const created = await api('POST', '/api/users', body, headers);
    expect(created.status, `${u.username}: ${JSON.stringify(created.body)}`).toBe(201);
  }
}

export interface VersionRow {
  id: number;
  year: number;
  status: string;
}

/** The id of the first version of `year` with `status` (the samples seed 2021–2024 published, a 2025 draft). */
export async function versionIdOf(api: Api, year: number, status?: string): Promise<number> {
  const versions = (await api('GET', '/api/versions')).body.versions as VersionRow[];
  const found = versions.find((v) => v.year === year && (status === undefined || v.status === status));
  if (!found) throw new Error(`no version of ${year}${status ? ` (${status})` : ''}`);
  return found.id;
}

/** Waiting assertions on locators (vitest's `expect.poll`), with one timeout and poll interval. */
export function waiters(wait: { timeout: number; interval: number }) {
  return {
    textOf: (l: Locator) => expect.poll(() => l.innerText(), wait),
    valueOf: (l: Locator) => expect.poll(() => l.inputValue(), wait),
    countOf: (l: Locator) => expect.poll(() => l.count(), wait),
    attrOf: (l: Locator, name: string) => expect.poll(() => l.getAttribute(name), wait),
    visible: (l: Locator) => l.waitFor({ state: 'visible', timeout: wait.timeout }),
    hidden: (l: Locator) => l.waitFor({ state: 'hidden', timeout: wait.timeout }),
  };
}
