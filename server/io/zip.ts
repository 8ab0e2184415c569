/**
 * Just enough of the zip format to bound an XLSX file before a library expands it: the central
 * directory's entries with their declared sizes, and each entry inflated with a hard output limit
 * (a zip bomb may declare small sizes and still inflate to gigabytes; `maxOutputLength` stops it).
 */
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the entry's local header. */
  offset: number;
}

/** Thrown for a file that is not a zip archive we can read. */
export class ZipError extends Error {
  override name = 'ZipError';
  constructor(
    message: string,
    /** True when the entry inflates past the limit it was read with. */
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

/** The entries of the central directory (no data is inflated). */
export function zipEntries(buf: Uint8Array): ZipEntry[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  // The end-of-central-directory record: the last 22 bytes, or earlier when a comment follows.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('not a zip archive (no end of central directory)');
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || view.getUint32(p, true) !== 0x02014b50)
      throw new ZipError('damaged zip central directory');
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    entries.push({
      method: view.getUint16(p + 10, true),
      compressedSize: view.getUint32(p + 20, true),
      uncompressedSize: view.getUint32(p + 24, true),
      offset: view.getUint32(p + 42, true),
      name: new TextDecoder().decode(buf.subarray(p + 46, p + 46 + nameLength)),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * An entry's bytes, inflated to at most `maxBytes` (throws ZipError beyond, whatever the entry
 * declares).
 */
export function readZipEntry(buf: Uint8Array, entry: ZipEntry, maxBytes: number): Buffer {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const p = entry.offset;
  if (p + 30 > buf.length || view.getUint32(p, true) !== 0x04034b50)
    throw new ZipError(`damaged zip entry ${entry.name}`);
  const start = p + 30 + view.getUint16(p + 26, true) + view.getUint16(p + 28, true);
  const data = buf.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) {
    if (data.length > maxBytes) throw new ZipError(`${entry.name} is larger than ${maxBytes} bytes`, true);
    return Buffer.from(data);
  }
  if (entry.method !== 8) throw new ZipError(`unsupported compression in ${entry.name}`);
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new ZipError(`${entry.name} inflates to more than ${maxBytes} bytes`, true);
    throw new ZipError(`damaged zip entry ${entry.name}: ${(e as Error).message}`);
  }
}
