/**
 * Shared by the browser tests: the editor built, the real server started on a free port with a
 * temporary database, Debian's Chromium driven by playwright-core at 1280×800, signing in, and
 * screenshots saved under test-artifacts/.
 *
 * @example
 * const server = await startServer();
 * const browser = await launchBrowser();
 * const { page } = await openPage(browser);
 * await signIn(page, server);
 * await screenshot(page, 'rules-overview');
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { BUILT, EDITOR, buildEditor, editorBuildIsStale } from '../bin/editor-build.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ARTIFACTS = join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The newest modification time among the files under `dir` (0 when absent). */
async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/**
 * Builds the editor (`npx vite build` in editor/) when its build is missing or older than its
 * sources. Several test files may ask at once: a lock directory makes them build once, in turn.
 */
export async function ensureEditorBuilt(): Promise<void> {
  const lock = join(EDITOR, '.build-lock');
  for (let waited = 0; ; waited += 500) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test is building; a lock older than 5 minutes is left over from a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 5 * 60_000)
        rmSync(lock, { recursive: true, force: true });
      if (waited > 6 * 60_000) throw new Error('waited more than 6 minutes for another editor build');
      await sleep(500);
    }
  }
  try {
    if (!editorBuildIsStale()) return;
    const r = buildEditor({ encoding: 'utf8' });
    if (r.status !== 0 || !existsSync(BUILT)) {
      throw new Error(
        `the editor build failed (exit ${r.status}):\n${(r.stdout ?? '').slice(-3000)}\n${(r.stderr ?? '').slice(-3000)}`,
      );
    }
  } finally {
    rmdirSync(lock);
  }
}

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  port: number;
  dbPath: string;
  adminPassword: string;
  /** What the server printed so far (for failure messages). */
  output(): string;
  /** SIGTERM, then waits for the process to exit (SIGKILL after 10 s): its exit code, null when killed. */
  terminate(): Promise<number | null>;
  /** `terminate()`, then removes the temporary database. */
  stop(): Promise<void>;
}

/**
 * Starts `node bin/start.js` (the `npm start` entry) on a free port with a new temporary database,
 * which the server seeds with the sample regions, rule family and data.
 */
export async function startServer(opts: { adminPassword?: string } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ecoscore-browser-'));
  const dbPath = join(dir, 'ecoscore.db');
  const port = await freePort();
  const adminPassword = opts.adminPassword ?? 'browser-test-admin';
  const base = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['bin/start.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ECOSCORE_DB: dbPath,
      ECOSCORE_ADMIN_PASSWORD: adminPassword,
      ECOSCORE_ACCESS_LOG: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer /api/health within 2 minutes:\n${output}`);
    }
    await sleep(200);
  }

  async function terminate(): Promise<number | null> {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    }
    return exited;
  }

  return {
    base,
    port,
    dbPath,
    adminPassword,
    output: () => output,
    terminate,
    async stop() {
      await terminate();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Debian's Chromium: installed with apt-get when missing and we may (root), otherwise an error
 * that says how to install it.
 */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root) {
    const r = spawnSync('sh', ['-c', 'apt-get update && apt-get install -y chromium fonts-noto-cjk'], {
      encoding: 'utf8',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status === 0 && existsSync(CHROMIUM)) return CHROMIUM;
    throw new Error(`installing chromium failed:\n${(r.stderr ?? '').slice(-2000)}`);
  }
  throw new Error(
    `${CHROMIUM} is missing: install it with \`sudo apt-get install -y chromium fonts-noto-cjk\` (or set CHROMIUM_PATH)`,
  );
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: ensureChromium(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors seen so far (failed requests excluded). */
  errors: string[];
}

/** A new browser context (own cookies and storage) with one page at 1280×800. */
export async function openPage(
  browser: Browser,
  opts: { width?: number; height?: number } = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
    acceptDownloads: true,
    locale: 'zh-CN',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A failed request is logged as a console error by the browser; the tests assert on those.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      errors.push(`console: ${m.text()}`);
  });
  return { context, page, errors };
}

/** Signs in through the sign-in page and waits for the page after it. */
export async function signIn(
  page: Page,
  server: TestServer,
  user: { username: string; password: string } = { username: 'admin', password: server.adminPassword },
): Promise<void> {
  if (!page.url().includes('/login')) await page.goto(`${server.base}/login`);
  await page.fill('input[name=username]', user.username);
  await page.fill('input[name=password]', user.password);
  await page.click('button[type=submit]');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/**
 * Saves a screenshot of the window (`fullPage`: of the whole page) as test-artifacts/<name>.png and
 * returns its path; with `manual` and ECOSCORE_UPDATE_MANUAL=1 also the user manual's small JPEG
 * docs/images/<manual>.jpg.
 */
export async function screenshot(
  page: Page,
  name: string,
  opts: { fullPage?: boolean; manual?: string } = {},
): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: opts.fullPage });
  if (opts.manual && process.env.ECOSCORE_UPDATE_MANUAL === '1') {
    mkdirSync(join(ROOT, 'docs/images'), { recursive: true });
    await page.screenshot({
      path: join(ROOT, 'docs/images', `${opts.manual}.jpg`),
      type: 'jpeg',
      quality: 60,
    });
  }
  return path;
}

/** Signs in through the API and returns the session cookie, for setting up data beside the browser. */
export async function apiSession(server: TestServer, username: string, password: string) {
  const res = await fetch(`${server.base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`API login as ${username} failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(server.base + path, {
      method,
      headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, headers: r.headers, body: text ? JSON.parse(text) : undefined };
  };
}
