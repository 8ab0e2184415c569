/**
 * Renders an `OfficialDocument` as PDF (pdfkit) with the layout of the .docx: A4, GB/T 9704 margins,
 * 22 lines of 28 characters a page on a fixed line grid, the red 发文机关标志 and rule, tables that
 * repeat their header on each page, the 落款 with room for the seal, 版记 at the foot of the last
 * page, page numbers `— N —`. White pages: nothing is ever filled but the red rule.
 */
import PDFDocument from 'pdfkit';
import type { Block, OfficialDocument, Signature } from './model.ts';
import {
  CHAR_PT,
  LINE_PT,
  MARGIN,
  PAGE,
  PAGE_NUMBER_GAP_MM,
  RED,
  SEAL_LINES,
  SIZE,
  TEXT_BLOCK,
  mmToPt,
  type FaceRole,
} from './layout.ts';
import { installedFonts, type FontFile } from './fonts.ts';

type Role = Exclude<FaceRole, 'latin'>;
type Doc = PDFKit.PDFDocument;

const LEFT = mmToPt(MARGIN.leftMm);
const TOP = mmToPt(MARGIN.topMm);
const WIDTH = mmToPt(TEXT_BLOCK.widthMm);
const BOTTOM = TOP + mmToPt(TEXT_BLOCK.heightMm);
/** Characters every font of a simplified-Chinese document must have. */
const PROBE = '关于环境保护目标责任制考核结果的通报说明级书县试点纪监组织发';
/** Characters no line may start with (they hang at the end of the line before). */
const NO_START = new Set([...'，。、；：？！）》」』”’〉】…%,.;:?!)]']);

/**
 * Parsed fonts, kept for the life of the process: a CJK collection is 20–30 MB to read and parse,
 * which would otherwise be most of the time a PDF takes.
 */
const parsed = new Map<string, unknown>();
function parsedFont(f: FontFile): unknown {
  const key = `${f.path}#${f.family ?? ''}`;
  let font = parsed.get(key);
  if (!font) {
    const tmp = new PDFDocument({ autoFirstPage: false });
    tmp.font(f.path, f.family as string);
    font = (tmp as unknown as { _font: { font: unknown } })._font.font;
    parsed.set(key, font);
  }
  return font;
}

class Writer {
  y = TOP;
  private names = new Map<FontFile, string>();
  private primary = new Map<Role, FontFile>();
  private widths = new Map<string, number>();
  constructor(
    readonly pdf: Doc,
    private fonts: Record<Role, FontFile[]>,
  ) {}

  /**
   * Sets the face for `text`: the face's first installed font that has the common simplified
   * characters (so one font sets the whole document), or, for a text it cannot set, the first
   * candidate that has every character (else the one missing fewest).
   */
  use(role: Role, size: number, text: string): void {
    const missing = (f: FontFile, t: string) => {
      this.pdf.font(this.register(f));
      const font = (
        this.pdf as unknown as { _font?: { font?: { hasGlyphForCodePoint?(c: number): boolean } } }
      )._font?.font;
      let n = 0;
      if (font?.hasGlyphForCodePoint)
        for (const ch of t) if (ch.trim() && !font.hasGlyphForCodePoint(ch.codePointAt(0)!)) n++;
      return n;
    };
    let primary = this.primary.get(role);
    if (!primary) {
      primary = this.fonts[role].find((f) => missing(f, PROBE) === 0) ?? this.fonts[role][0];
      this.primary.set(role, primary);
    }
    let best = primary;
    if (missing(primary, text) > 0) {
      let fewest = Infinity;
      for (const f of this.fonts[role]) {
        const n = missing(f, text);
        if (n < fewest) [best, fewest] = [f, n];
        if (n === 0) break;
      }
    }
    this.pdf.font(this.register(best)).fontSize(size);
  }

  private register(f: FontFile): string {
    let name = this.names.get(f);
    if (!name) {
      name = `f${this.names.size}`;
      this.pdf.registerFont(name, parsedFont(f) as never);
      this.names.set(f, name);
    }
    return name;
  }

  width(ch: string, size: number): number {
    const key = `${(this.pdf as unknown as { _font: { name: string } })._font.name}|${size}|${ch}`;
    let w = this.widths.get(key);
    if (w === undefined) {
      w = this.pdf.widthOfString(ch);
      this.widths.set(key, w);
    }
    return w;
  }

  /** Lines of `text` no wider than `width` (CJK breaks anywhere, Latin words and digits kept whole). */
  wrap(text: string, width: number, size: number, firstIndent = 0): string[] {
    const tokens = text.match(/[A-Za-z0-9.%+\-−×/]{1,16}|./gsu) ?? [];
    const lines: string[] = [];
    let line = '';
    let w = firstIndent;
    const pitch = (s: string) => [...s].reduce((a, ch) => a + this.width(ch, size) + this.spacing(size), 0);
    for (const t of tokens) {
      const tw = pitch(t);
      if (w + tw > width + 0.01 && line !== '' && !NO_START.has(t)) {
        lines.push(line);
        line = '';
        w = 0;
        if (t === ' ') continue;
      }
      line += t;
      w += tw;
    }
    if (line || !lines.length) lines.push(line);
    return lines;
  }

  /** Extra spacing that puts 28 body characters on a line (none for other sizes). */
  spacing(size: number): number {
    return size === SIZE.body ? CHAR_PT - SIZE.body : 0;
  }

  newPage(): void {
    this.pdf.addPage();
    this.y = TOP;
  }

  need(h: number): void {
    if (this.y + h > BOTTOM + 0.01) this.newPage();
  }

  /** One line of text in a box of height `lineH` at the current y. */
  line(
    text: string,
    x: number,
    width: number,
    size: number,
    opts: {
      align?: 'left' | 'center' | 'right' | 'justify';
      color?: string;
      lineH?: number;
      y?: number;
    } = {},
  ): void {
    const lineH = opts.lineH ?? LINE_PT;
    const y = opts.y ?? this.y;
    const chars = [...text];
    let cs = this.spacing(size);
    const natural = chars.reduce((a, ch) => a + this.width(ch, size), 0) + cs * Math.max(0, chars.length - 1);
    let dx = 0;
    if (opts.align === 'justify' && chars.length > 1 && width - natural < 4 * size)
      cs += (width - natural) / (chars.length - 1);
    else if (opts.align === 'center') dx = (width - natural) / 2;
    else if (opts.align === 'right') dx = width - natural;
    this.pdf.fillColor(opts.color ?? '#000000');
    this.pdf.text(text, x + dx, y + (lineH - size * 1.16) / 2, {
      lineBreak: false,
      characterSpacing: cs,
    });
  }

  /** A paragraph on the line grid: wrapped, justified, first line indented. */
  paragraph(
    text: string,
    role: Role,
    size = SIZE.body,
    opts: {
      indentChars?: number;
      align?: 'left' | 'center' | 'right';
      lineH?: number;
      color?: string;
      rightIndentChars?: number;
    } = {},
  ): void {
    this.use(role, size, text);
    const lineH = opts.lineH ?? LINE_PT;
    const charW = size === SIZE.body ? CHAR_PT : size;
    const indent = (opts.indentChars ?? 0) * charW;
    const width = WIDTH - (opts.rightIndentChars ?? 0) * charW;
    const lines = this.wrap(text, width, size, indent);
    lines.forEach((l, i) => {
      this.need(lineH);
      const last = i === lines.length - 1;
      const x = LEFT + (i === 0 ? indent : 0);
      const w = width - (i === 0 ? indent : 0);
      this.line(l, x, w, size, {
        align: opts.align ?? (last ? 'left' : 'justify'),
        lineH,
        color: opts.color,
      });
      this.y += lineH;
    });
  }

  blank(n = 1): void {
    this.y += n * LINE_PT;
    if (this.y > BOTTOM) this.newPage();
  }

  table(b: Extract<Block, { kind: 'table' }>): void {
    const size = SIZE.table;
    const lineH = size * 1.45;
    const pad = 3;
    const total = b.columns.reduce((s, c) => s + c.width, 0);
    const widths = b.columns.map((c) => (WIDTH * c.width) / total);
    const xs = widths.map((_, i) => LEFT + widths.slice(0, i).reduce((a, w) => a + w, 0));
    const layout = (cells: string[], role: Role) =>
      cells.map((t, i) => {
        this.use(role, size, t);
        return this.wrap(t, widths[i] - 2 * pad, size);
      });
    const draw = (cells: string[], role: Role, header: boolean) => {
      const wrapped = layout(cells, role);
      const h = Math.max(...wrapped.map((l) => l.length)) * lineH + 2 * pad;
      return {
        h,
        paint: () => {
          const top = this.y;
          wrapped.forEach((lines, i) => {
            this.use(role, size, cells[i]);
            const off = (h - 2 * pad - lines.length * lineH) / 2;
            lines.forEach((l, j) =>
              this.line(l, xs[i] + pad, widths[i] - 2 * pad, size, {
                align: header ? 'center' : (b.columns[i].align ?? 'left'),
                lineH,
                y: top + pad + off + j * lineH,
              }),
            );
          });
          this.pdf.lineWidth(0.6).strokeColor('#000000');
          this.pdf.rect(LEFT, top, WIDTH, h).stroke();
          xs.slice(1).forEach((x) =>
            this.pdf
              .moveTo(x, top)
              .lineTo(x, top + h)
              .stroke(),
          );
          this.y += h;
        },
      };
    };
    const header = () => {
      const hd = draw(
        b.columns.map((c) => c.title),
        'heading1',
        true,
      );
      this.need(hd.h);
      hd.paint();
      return hd.h;
    };
    header();
    for (const row of b.rows) {
      const r = draw(row, 'body', false);
      if (this.y + r.h > BOTTOM) {
        this.newPage();
        header();
      }
      r.paint();
    }
    // back onto the line grid
    const used = this.y - TOP;
    this.y = TOP + Math.ceil(used / LINE_PT - 0.01) * LINE_PT;
    if (this.y > BOTTOM) this.newPage();
  }

  block(b: Block): void {
    if (b.kind === 'heading')
      this.paragraph(b.text, b.level === 1 ? 'heading1' : 'heading2', SIZE.body, { indentChars: 2 });
    else if (b.kind === 'paragraph') {
      const size = b.small ? SIZE.table : SIZE.body;
      this.paragraph(b.text, 'body', size, {
        indentChars: b.indent === false ? 0 : 2,
        align: b.align,
        lineH: b.small ? size * 1.5 : LINE_PT,
      });
    } else this.table(b);
  }
}

function signature(w: Writer, s: Signature): void {
  w.need((SEAL_LINES + s.lines.length + 1) * LINE_PT);
  w.blank(SEAL_LINES - 1);
  w.use('body', SIZE.body, s.date);
  const dateW = [...s.date].reduce((a, ch) => a + w.width(ch, SIZE.body) + w.spacing(SIZE.body), 0);
  const dateRight = LEFT + WIDTH - 4 * CHAR_PT;
  const centre = dateRight - dateW / 2;
  for (const l of s.lines) {
    w.use('body', SIZE.body, l);
    const lw = [...l].reduce((a, ch) => a + w.width(ch, SIZE.body) + w.spacing(SIZE.body), 0);
    const x = Math.max(LEFT, Math.min(centre - lw / 2, LEFT + WIDTH - lw));
    w.line(l, x, lw, SIZE.body, { align: 'left' });
    w.y += LINE_PT;
  }
  w.use('body', SIZE.body, s.date);
  w.line(s.date, dateRight - dateW, dateW, SIZE.body, { align: 'left' });
  w.y += LINE_PT;
}

function signaturePair(w: Writer, sigs: Signature[]): void {
  const rows = Math.max(...sigs.map((s) => s.lines.length + 1));
  const lineH = LINE_PT * 1.5;
  w.need(LINE_PT + rows * lineH);
  w.blank();
  const top = w.y;
  sigs.forEach((s, i) => {
    [...s.lines, s.date].forEach((l, j) => {
      w.use('body', SIZE.body, l);
      w.line(l, LEFT + (i * WIDTH) / sigs.length, WIDTH / sigs.length, SIZE.body, {
        lineH,
        y: top + j * lineH,
      });
    });
  });
  w.y = top + rows * lineH;
}

/** 版记 between rules at the foot of the last page (a new page when it does not fit). */
function record(w: Writer, doc: OfficialDocument): void {
  const r = doc.record;
  if (!r) return;
  const rows = r.cc.length ? 2 : 1;
  const h = rows * LINE_PT;
  if (w.y + h + LINE_PT > BOTTOM) w.newPage();
  const top = BOTTOM - h;
  const rule = (y: number, width: number) =>
    w.pdf
      .lineWidth(width)
      .strokeColor('#000000')
      .moveTo(LEFT, y)
      .lineTo(LEFT + WIDTH, y)
      .stroke();
  rule(top, 1);
  let y = top;
  if (r.cc.length) {
    const cc = `抄送：${r.cc.join('，')}。`;
    w.use('body', SIZE.small, cc);
    w.line(cc, LEFT + SIZE.small, WIDTH - 2 * SIZE.small, SIZE.small, { y });
    y += LINE_PT;
    rule(y, 0.7);
  }
  w.use('body', SIZE.small, r.printer);
  w.line(r.printer, LEFT + SIZE.small, WIDTH / 2, SIZE.small, { y });
  const date = r.printDate ? `${r.printDate}印发` : '';
  w.use('body', SIZE.small, date);
  w.line(date, LEFT + WIDTH / 2, WIDTH / 2 - SIZE.small, SIZE.small, { y, align: 'right' });
  rule(BOTTOM, 1);
}

function head(w: Writer, doc: OfficialDocument): void {
  if (doc.docNumber) {
    w.use('title', SIZE.mark, doc.issuerMark);
    w.line(doc.issuerMark, LEFT, WIDTH, SIZE.mark, { align: 'center', color: `#${RED}`, lineH: 2 * LINE_PT });
    w.y += 3 * LINE_PT;
    w.paragraph(doc.docNumber, 'body', SIZE.body, { align: 'center' });
    const ruleY = w.y + mmToPt(1);
    w.pdf
      .lineWidth(1.5)
      .strokeColor(`#${RED}`)
      .moveTo(LEFT, ruleY)
      .lineTo(LEFT + WIDTH, ruleY)
      .stroke();
    w.blank(2);
  } else w.blank();
  w.paragraph(doc.title, 'title', SIZE.title, { align: 'center', lineH: SIZE.title * 1.6 });
  w.blank();
  if (doc.addressee) w.paragraph(doc.addressee, 'body');
}

/** The PDF file of a document. Throws FontsMissingError when no Chinese font is installed. */
export function renderPdf(doc: OfficialDocument): Promise<Buffer> {
  const fonts = installedFonts();
  const pdf = new PDFDocument({
    size: [mmToPt(PAGE.widthMm), mmToPt(PAGE.heightMm)],
    margins: { top: 0, bottom: 0, left: 0, right: 0 },
    bufferPages: true,
    autoFirstPage: true,
    info: {
      Title: doc.title,
      Subject: doc.subject,
      Author: doc.signatures[0]?.lines[0] ?? '',
      Creator: 'ecoscore',
      Keywords: doc.docNumber,
    },
    lang: 'zh-CN',
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const w = new Writer(pdf, fonts);
  head(w, doc);
  for (const b of doc.body) w.block(b);
  if (doc.attachments.length) {
    w.blank();
    doc.attachments.forEach((a, i) => {
      const label = doc.attachments.length > 1 ? `${i + 1}．${a.title}` : a.title;
      w.paragraph(i === 0 ? `附件：${label}` : label, 'body', SIZE.body, { indentChars: i === 0 ? 2 : 5 });
    });
  }
  if (doc.signatures.length === 1) signature(w, doc.signatures[0]);
  else if (doc.signatures.length > 1) signaturePair(w, doc.signatures);
  doc.attachments.forEach((a, i) => {
    w.newPage();
    w.paragraph(doc.attachments.length > 1 ? `附件${i + 1}` : '附件', 'heading1', SIZE.body);
    w.blank();
    w.paragraph(a.title, 'title', SIZE.title, { align: 'center', lineH: SIZE.title * 1.6 });
    w.blank();
    for (const b of a.blocks) w.block(b);
  });
  record(w, doc);

  // page numbers: 4号宋体 "— N —", 7 mm under the text block, right on odd pages, left on even ones
  const range = pdf.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    const n = i - range.start + 1;
    const text = `— ${n} —`;
    w.use('song', SIZE.small, text);
    const y = BOTTOM + mmToPt(PAGE_NUMBER_GAP_MM);
    if (n % 2 === 1)
      w.line(text, LEFT, WIDTH - SIZE.small, SIZE.small, { align: 'right', y, lineH: SIZE.small * 1.2 });
    else w.line(text, LEFT + SIZE.small, WIDTH, SIZE.small, { align: 'left', y, lineH: SIZE.small * 1.2 });
  }
  pdf.end();
  return done;
}
