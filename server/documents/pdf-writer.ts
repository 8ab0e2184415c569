/**
 * The PDF renderer's typesetter (used by `pdf.ts`): fonts by face with fallbacks, line breaking for
 * Chinese text (Latin words and numbers kept whole, no line starting with closing punctuation),
 * lines on the 28.95 pt grid with 28 characters of 3号 type a line, tables with repeated headers.
 */
import PDFDocument from 'pdfkit';
import type { Block } from './model.ts';
import { CHAR_PT, LINE_PT, MARGIN, SIZE, TEXT_BLOCK, mmToPt, type FaceRole } from './layout.ts';
import type { FontFile } from './fonts.ts';

export type Role = Exclude<FaceRole, 'latin'>;
type Doc = PDFKit.PDFDocument;

export const LEFT = mmToPt(MARGIN.leftMm);
export const TOP = mmToPt(MARGIN.topMm);
export const WIDTH = mmToPt(TEXT_BLOCK.widthMm);
export const BOTTOM = TOP + mmToPt(TEXT_BLOCK.heightMm);
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

export class Writer {
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
