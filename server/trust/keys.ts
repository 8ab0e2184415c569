/**
 * The server's Ed25519 signing key (@noble/curves). The key pair lives in a JSON file
 * (`ECOSCORE_KEY_FILE`, default `<database file>.key`), created with mode 0600 at first start; an
 * in-memory database gets an in-memory key. The public key is also recorded in the database
 * (`signing_keys`, audited as `key.create`) so `ecoscore verify` can name the key of each signature.
 *
 * Signatures are hex strings over UTF-8 text: a version's content hash, a run's seal (seal.ts).
 *
 * @example
 * const signer = signerFor(db);          // loads or creates the key file next to the database
 * const sig = signer.sign(contentHash);  // 128 hex digits
 * verifySignature(signer.publicKey, contentHash, sig) // true
 */
import { dirname, resolve as resolvePath } from 'node:path';
import { isPostgres, storeInfo, storeKey } from '../db/dialect.ts';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { appendAudit, nowIso, type Tx } from '../db/audit.ts';
import { signingKeys } from '../db/schema.ts';

export const KEY_ALGORITHM = 'Ed25519';

/** What `GET /api/keys` returns and what `ecoscore verify --key` reads. */
export interface PublicKeyInfo {
  algorithm: 'Ed25519';
  /** First 16 hex digits of SHA-256 of the raw public key. */
  keyId: string;
  /** The raw 32-byte public key, hex. */
  publicKey: string;
  createdAt: string;
}

/** The key file: the public part plus the private key (hex). Never served. */
interface KeyFile extends PublicKeyInfo {
  privateKey: string;
}

export interface Signer {
  readonly info: PublicKeyInfo;
  readonly keyId: string;
  readonly publicKey: string;
  /** Where the key is kept (`memory` for an in-memory database). */
  readonly file: string;
  sign(message: string): string;
}

const HEX64 = /^[0-9a-f]{64}$/;

export function keyIdOf(publicKeyHex: string): string {
  return bytesToHex(sha256(hexToBytes(publicKeyHex))).slice(0, 16);
}

function makeSigner(file: KeyFile, where: string): Signer {
  const secret = hexToBytes(file.privateKey);
  const info: PublicKeyInfo = {
    algorithm: 'Ed25519',
    keyId: file.keyId,
    publicKey: file.publicKey,
    createdAt: file.createdAt,
  };
  return {
    info,
    keyId: info.keyId,
    publicKey: info.publicKey,
    file: where,
    sign: (message) => bytesToHex(ed25519.sign(utf8ToBytes(message), secret)),
  };
}

function newKeyFile(): KeyFile {
  const { secretKey, publicKey } = ed25519.keygen();
  const pub = bytesToHex(publicKey);
  return {
    algorithm: 'Ed25519',
    keyId: keyIdOf(pub),
    publicKey: pub,
    createdAt: nowIso(),
    privateKey: bytesToHex(secretKey),
  };
}

/** A fresh key held in memory only (`:memory:` databases, tests). */
export function memorySigner(): Signer {
  return makeSigner(newKeyFile(), 'memory');
}

/**
 * Loads the key file at `path`, creating it (mode 0600, never overwriting) when absent. A file that
 * is not a valid key pair is an error, never silently replaced.
 */
export function loadOrCreateKeyFile(path: string): Signer {
  if (!existsSync(path)) {
    const file = newKeyFile();
    try {
      // ./data/ may not exist yet on PostgreSQL (SQLite creates it for the database file).
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, JSON.stringify(file, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  let parsed: Partial<KeyFile>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<KeyFile>;
  } catch (e) {
    throw new Error(`signing key file ${path} is unreadable: ${(e as Error).message}`);
  }
  if (
    parsed.algorithm !== KEY_ALGORITHM ||
    typeof parsed.privateKey !== 'string' ||
    !HEX64.test(parsed.privateKey) ||
    typeof parsed.publicKey !== 'string' ||
    !HEX64.test(parsed.publicKey)
  )
    throw new Error(`signing key file ${path} is not an Ed25519 key pair`);
  const derived = bytesToHex(ed25519.getPublicKey(hexToBytes(parsed.privateKey)));
  if (derived !== parsed.publicKey)
    throw new Error(`signing key file ${path}: the public key does not belong to the private key`);
  return makeSigner(
    {
      algorithm: 'Ed25519',
      keyId: keyIdOf(derived),
      publicKey: derived,
      createdAt: typeof parsed.createdAt === 'string' ? parsed.createdAt : '',
      privateKey: parsed.privateKey,
    },
    path,
  );
}

/**
 * Reads a public key for verification: the JSON of `GET /api/keys` (or a key file, whose private
 * part is ignored). Throws when it holds no Ed25519 public key.
 */
export function readPublicKeyFile(path: string): PublicKeyInfo {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<PublicKeyInfo>;
  if (typeof parsed.publicKey !== 'string' || !HEX64.test(parsed.publicKey))
    throw new Error(`${path} holds no Ed25519 public key ("publicKey": 64 hex digits)`);
  return {
    algorithm: 'Ed25519',
    keyId: keyIdOf(parsed.publicKey),
    publicKey: parsed.publicKey,
    createdAt: typeof parsed.createdAt === 'string' ? parsed.createdAt : '',
  };
}

/** Whether `signatureHex` is a valid Ed25519 signature of `message` by `publicKeyHex`. Never throws. */
export function verifySignature(publicKeyHex: string, message: string, signatureHex: string | null): boolean {
  if (!signatureHex || !/^[0-9a-f]{128}$/.test(signatureHex) || !HEX64.test(publicKeyHex)) return false;
  try {
    return ed25519.verify(hexToBytes(signatureHex), utf8ToBytes(message), hexToBytes(publicKeyHex));
  } catch {
    return false;
  }
}

/** The default key file of a database file: next to it, `<file>.key`. */
export function defaultKeyFile(dbFile: string): string {
  return `${dbFile}.key`;
}

const signers = new WeakMap<object, Signer>();

/** The key file of a PostgreSQL database when `ECOSCORE_KEY_FILE` is not set (there is no database file to put it beside). */
export const DEFAULT_PG_KEY_FILE = './data/ecoscore-postgres.key';

/** Uses `signer` for this database (the server sets it at start from `ECOSCORE_KEY_FILE`). */
export function setSigner(db: Db, signer: Signer): void {
  signers.set(storeKey(db), signer);
}

/**
 * The signer of a database: the one set with `setSigner`, else the key file at
 * `ECOSCORE_KEY_FILE` or next to the database file (PostgreSQL: `./data/ecoscore-postgres.key`; every
 * server process on one database should be given the same file), else (in-memory database) a fresh
 * memory key.
 */
export function signerFor(db: Db, env: NodeJS.ProcessEnv = process.env): Signer {
  const hit = signers.get(storeKey(db));
  if (hit) return hit;
  const { name, memory } = storeInfo(db);
  const file =
    env.ECOSCORE_KEY_FILE?.trim() ||
    (memory ? undefined : isPostgres(db) ? resolvePath(DEFAULT_PG_KEY_FILE) : defaultKeyFile(name));
  const signer = file ? loadOrCreateKeyFile(file) : memorySigner();
  signers.set(storeKey(db), signer);
  return signer;
}

/** Records the signer's public key in `signing_keys` (once, audited as `key.create`). */
export async function recordKey(tx: Tx, signer: Signer, at: string = nowIso()): Promise<void> {
  const known = await tx.select().from(signingKeys).where(eq(signingKeys.keyId, signer.keyId)).get();
  if (known) return;
  await tx
    .insert(signingKeys)
    .values({ keyId: signer.keyId, algorithm: KEY_ALGORITHM, publicKey: signer.publicKey, createdAt: at })
    .run();
  await appendAudit(tx, {
    user: 'system',
    action: 'key.create',
    entity: 'key',
    entityId: signer.keyId,
    afterHash: signer.publicKey,
    detail: { algorithm: KEY_ALGORITHM, publicKey: signer.publicKey },
    at,
  });
}

/** Signs `message` with the database's key, recording the key first; returns `{ keyId, signature }`. */
export async function signFor(
  tx: Tx,
  db: Db,
  message: string,
  at?: string,
): Promise<{ keyId: string; signature: string }> {
  const signer = signerFor(db);
  await recordKey(tx, signer, at);
  return { keyId: signer.keyId, signature: signer.sign(message) };
}

/** The public keys recorded in a database, by key id. */
export async function recordedKeys(db: Tx): Promise<Map<string, string>> {
  return new Map((await db.select().from(signingKeys).all()).map((k) => [k.keyId, k.publicKey]));
}
