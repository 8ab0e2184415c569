/**
 * Browser tests' plumbing for the assessment pages: the real server (`node bin/start.js`) on a free
 * port with a temporary database, the editor built when its sources are newer than the build, and
 * Debian's Chromium driven by playwright-core (installed with apt-get when missing).
 *
 * @example
 * const server = await startServer();
 * const browser = await launchChromium();
 * const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
 * await signIn(page, server.url, 'admin', server.adminPassword);
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ARTIFACTS = join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

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

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds the editor (`vite build`) when there is no build or a source file is newer than it.
 * Test files run in parallel: a lock directory (editor/.build-lock) keeps two builds from writing
 * editor/build at once; whoever waits re-checks and finds the build fresh.
 */
export function ensureEditorBuilt(): void {
  const editor = join(ROOT, 'editor');
  const index = join(editor, 'build', 'index.html');
  const lock = join(editor, '.build-lock');
  const sources = [join(editor, 'src'), join(ROOT, 'engine')].filter(existsSync);
  const stale = () => !existsSync(index) || sources.some((d) => newestMtime(d) > statSync(index).mtimeMs);
  if (!stale()) return;
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another build holds the lock (a lock older than 5 minutes is a leftover from a killed run).
      try {
        if (Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`editor build lock ${lock} held for more than 5 minutes`);
      sleep(500);
    }
  }
  try {
    if (!stale()) return;
    const r = spawnSync('npx', ['vite', 'build'], { cwd: editor, encoding: 'utf8', env: process.env });
    if (r.status !== 0 || !existsSync(index))
      throw new Error(`editor build failed:\n${r.stdout}\n${r.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface RunningServer {
  url: string;
  dbPath: string;
  adminPassword: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `npm start`'s entry point on a free port with a fresh database (seeded with the samples). */
export async function startServer(): Promise<RunningServer> {
  ensureEditorBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'ecoscore-assess-'));
  const dbPath = join(dir, 'ecoscore.db');
  const port = await freePort();
  const adminPassword = 'assess-admin-password';
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
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start within 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    dbPath,
    adminPassword,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, installed (with Chinese fonts) when missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
    const run = (args: string[]) =>
      spawnSync(sudo[0] ?? args[0], sudo.length ? [...sudo.slice(1), ...args] : args.slice(1), {
        stdio: 'inherit',
      });
    run(['apt-get', 'update']);
    run(['apt-get', 'install', '-y', 'chromium', 'fonts-noto-cjk']);
    if (!existsSync(CHROMIUM))
      throw new Error(
        `Chromium not found at ${CHROMIUM} and could not be installed (apt-get install chromium fonts-noto-cjk)`,
      );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Signs in through the sign-in page and waits for the navigation bar. */
export async function signIn(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page
    .locator('input[autocomplete="username"], input[name="username"], #username')
    .first()
    .fill(username);
  await page.locator('input[type="password"]').first().fill(password);
  await page.locator('button[type="submit"]').first().click();
  await page.locator('header.top nav').waitFor({ timeout: 20_000 });
}

/** A screenshot in test-artifacts/ (created when missing); returns its path. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}
