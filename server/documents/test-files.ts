/**
 * Test helpers for the documents: the XML parts of a .docx, and a PDF read back with poppler
 * (`pdfinfo`, `pdftotext`, `pdftoppm`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzip } from './unzip.ts';

/** `word/document.xml` and the footers of a .docx. */
export function docxParts(buf: Buffer): { document: string; footers: string[]; all: Map<string, Buffer> } {
  const all = unzip(buf);
  const document = all.get('word/document.xml')?.toString('utf8') ?? '';
  const footers = [...all.entries()]
    .filter(([name]) => /^word\/footer\d*\.xml$/.test(name))
    .map(([, b]) => b.toString('utf8'));
  return { document, footers, all };
}

/** The text of a .docx body (the runs' text joined). */
export function docxText(xml: string): string {
  return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
}

export interface PdfReadBack {
  info: Record<string, string>;
  text: string;
  /** Share of white pixels of page 1 (greyscale, 20 dpi), and its top-left pixel. */
  white: number;
  corner: number;
}

/** Reads a PDF back with poppler-utils. */
export function readPdf(buf: Buffer): PdfReadBack {
  const dir = mkdtempSync(join(tmpdir(), 'ecoscore-pdf-'));
  try {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, buf);
    const info = Object.fromEntries(
      execFileSync('pdfinfo', [file], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes(':'))
        .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]),
    );
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    execFileSync('pdftoppm', ['-r', '20', '-f', '1', '-l', '1', '-gray', file, join(dir, 'p')]);
    const pgm = readFileSync(join(dir, 'p-1.pgm'));
    // P5\n<w> <h>\n255\n<pixels>
    const header = pgm.subarray(0, 40).toString('latin1').split(/\s+/);
    const w = Number(header[1]);
    const h = Number(header[2]);
    const pixels = pgm.subarray(pgm.length - w * h);
    let white = 0;
    for (const p of pixels) if (p >= 250) white++;
    return { info, text, white: white / pixels.length, corner: pixels[0] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
