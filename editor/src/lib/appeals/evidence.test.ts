import { describe, expect, it } from 'vitest';
import { EVIDENCE_MAX_BYTES, checkEvidence, formatSize, sniff } from './evidence.ts';

const bytes = (...b: number[]) => new Uint8Array([...b, ...new Array(16).fill(0)].slice(0, 16));
const PDF = bytes(0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37);
const PNG = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const JPEG = bytes(0xff, 0xd8, 0xff, 0xe0);
const GIF = bytes(0x47, 0x49, 0x46, 0x38, 0x39, 0x61);

describe('evidence files are checked in the browser too', () => {
  it('knows PDF, PNG and JPEG by their first bytes', () => {
    expect(sniff(PDF)).toBe('application/pdf');
    expect(sniff(PNG)).toBe('image/png');
    expect(sniff(JPEG)).toBe('image/jpeg');
    expect(sniff(GIF)).toBe(null);
    expect(sniff(new Uint8Array())).toBe(null);
  });

  it('accepts a PDF or image of the right kind and size', () => {
    expect(checkEvidence('监测报告.pdf', 1000, PDF)).toEqual({ ok: true, contentType: 'application/pdf' });
    expect(checkEvidence('现场.JPG', 1000, JPEG)).toEqual({ ok: true, contentType: 'image/jpeg' });
    expect(checkEvidence('a.jpeg', EVIDENCE_MAX_BYTES, JPEG)).toEqual({
      ok: true,
      contentType: 'image/jpeg',
    });
    expect(checkEvidence('图.png', 5, PNG)).toEqual({ ok: true, contentType: 'image/png' });
  });

  it('refuses empty, too large, other types, renamed files and bad names', () => {
    expect(checkEvidence('a.pdf', 0, PDF)).toEqual({ ok: false, problem: 'empty' });
    expect(checkEvidence('a.pdf', EVIDENCE_MAX_BYTES + 1, PDF)).toEqual({ ok: false, problem: 'tooLarge' });
    expect(checkEvidence('a.gif', 10, GIF)).toEqual({ ok: false, problem: 'badType' });
    expect(checkEvidence('a.pdf', 10, GIF)).toEqual({ ok: false, problem: 'badType' });
    expect(checkEvidence('a.exe', 10, PDF)).toEqual({ ok: false, problem: 'badType' });
    expect(checkEvidence('a.png', 10, PDF)).toEqual({ ok: false, problem: 'mismatch' });
    expect(checkEvidence('../a.pdf', 10, PDF)).toEqual({ ok: false, problem: 'badName' });
    expect(checkEvidence('a\u0000.pdf', 10, PDF)).toEqual({ ok: false, problem: 'badName' });
    expect(checkEvidence('x'.repeat(197) + '.pdf', 10, PDF)).toEqual({ ok: false, problem: 'badName' });
    expect(checkEvidence('', 10, PDF)).toEqual({ ok: false, problem: 'badName' });
  });

  it('sizes for people', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(2048)).toBe('2 KB');
    expect(formatSize(1.5 * 1024 * 1024)).toBe('1.5 MB');
  });
});
