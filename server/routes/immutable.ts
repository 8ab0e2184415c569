/**
 * Responses for things that never change once made (a finished run's results, a published or
 * retired version): the serialised body kept in memory with a strong ETag (SHA-256 of the body)
 * and its gzip and brotli forms made on first demand; `If-None-Match` answered with 304.
 * Bounded by bytes (`IMMUTABLE_CACHE_BYTES`), least recently used first out.
 *
 * @example return immutable.json(c, `run:${id}`, async () => JSON.stringify(await getRun(db, id)))
 */
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Context } from 'hono';

/** The most bytes of bodies (with their compressed forms) kept. */
export const IMMUTABLE_CACHE_BYTES = 64 * 1024 * 1024;
/** Bodies smaller than this are sent as they are. */
export const COMPRESS_MIN_BYTES = 1024;

interface Entry {
  text: string;
  etag: string;
  bytes: number;
  /** The body as UTF-8, encoded once. */
  utf8?: Buffer;
  gzip?: Buffer;
  br?: Buffer;
}

/** The strong ETag of a body: its SHA-256, quoted. */
export function strongEtag(text: string): string {
  return `"${createHash('sha256').update(text, 'utf8').digest('base64url')}"`;
}

/** Whether an If-None-Match header matches `etag` (a list, `*`, weak forms compared weakly as RFC 9110 says). */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** The encoding to send: br, then gzip, when the client accepts it (q > 0). */
export function pickEncoding(accept: string | undefined): 'br' | 'gzip' | undefined {
  if (!accept) return undefined;
  const ok = new Set<string>();
  for (const part of accept.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q && !(Number(q.slice(2)) > 0)) continue;
    ok.add(name.trim());
  }
  if (ok.has('br')) return 'br';
  if (ok.has('gzip')) return 'gzip';
  return undefined;
}

export class ImmutableResponses {
  private readonly map = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly maxBytes = IMMUTABLE_CACHE_BYTES) {}

  /** The cached entry of `key`, or the one `make()` gives (kept only when `keep` says so). */
  private async entry(
    key: string,
    make: () => { text: string; keep: boolean } | Promise<{ text: string; keep: boolean }>,
  ): Promise<Entry> {
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const { text, keep } = await make();
    const entry: Entry = { text, etag: strongEtag(text), bytes: text.length * 2 };
    if (keep) this.add(key, entry);
    return entry;
  }

  private add(key: string, entry: Entry): void {
    if (entry.bytes > this.maxBytes / 4) return;
    this.map.set(key, entry);
    this.bytes += entry.bytes;
    while (this.bytes > this.maxBytes) {
      const [oldest, e] = this.map.entries().next().value as [string, Entry];
      this.map.delete(oldest);
      this.bytes -= e.bytes;
    }
  }

  /**
   * A JSON response for `key`: from memory when kept (`make` says whether its answer may be kept:
   * only what can never change), 304 when the client has it, compressed when it accepts that.
   */
  /** Whether a body is kept under `key` (to decide whether slow work must run before `json`). */
  has(key: string): boolean {
    return this.map.has(key);
  }

  async json(
    c: Context,
    key: string,
    make: () => { text: string; keep: boolean } | Promise<{ text: string; keep: boolean }>,
    headers: Record<string, string> = {},
  ) {
    const e = await this.entry(key, make);
    const common = { ETag: e.etag, Vary: 'Accept-Encoding', ...headers };
    if (noneMatch(c.req.header('If-None-Match'), e.etag)) return c.body(null, 304, common);
    const encoding =
      e.text.length >= COMPRESS_MIN_BYTES ? pickEncoding(c.req.header('Accept-Encoding')) : undefined;
    const kept = this.map.get(key) === e;
    if (!encoding) {
      if (!kept) return c.body(e.text, 200, { 'Content-Type': 'application/json', ...common });
      if (!e.utf8) {
        e.utf8 = Buffer.from(e.text, 'utf8');
        e.bytes += e.utf8.length;
        this.bytes += e.utf8.length;
      }
      return c.body(bytesOf(e.utf8), 200, { 'Content-Type': 'application/json', ...common });
    }
    let body = e[encoding];
    if (!body) {
      body =
        encoding === 'br'
          ? brotliCompressSync(e.text, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })
          : gzipSync(e.text, { level: 6 });
      if (kept) {
        e[encoding] = body;
        e.bytes += body.length;
        this.bytes += body.length;
      }
    }
    return c.body(bytesOf(body), 200, {
      'Content-Type': 'application/json',
      'Content-Encoding': encoding,
      ...common,
    });
  }
}

function bytesOf(b: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength);
}
