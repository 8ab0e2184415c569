/**
 * Renders an `OfficialDocument` as .docx (Office Open XML, the `docx` package) laid out after
 * GB/T 9704-2012: A4, the standard margins, a 22 × 28 document grid, fonts named as the standard
 * names them, the red 发文机关标志 and rule, 发文字号, title, 主送, body, 附件说明, 落款 with room for
 * the seal, attachments on new pages, 版记 between rules at the foot of the last page, and page
 * numbers `— 1 —` in 4号宋体 (right on odd pages, left on even ones).
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  DocumentGridType,
  Footer,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  RelativeVerticalPosition,
  Table,
  TableAnchorType,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
  type IBorderOptions,
} from 'docx';
import type { Block, OfficialDocument, Signature } from './model.ts';
import {
  CHAR_PT,
  FACE,
  LINE_PT,
  MARGIN,
  PAGE,
  PAGE_NUMBER_GAP_MM,
  RED,
  SEAL_LINES,
  SIZE,
  TEXT_BLOCK,
  cells,
  type FaceRole,
} from './layout.ts';

const TWIP_PER_MM = 1440 / 25.4;
const tw = (mm: number) => Math.round(mm * TWIP_PER_MM);
const LINE = Math.round(LINE_PT * 20); // 579
const CHAR = Math.round(SIZE.body * 20); // one 3号 character: 320 twips
const TEXT_WIDTH = tw(TEXT_BLOCK.widthMm);

const font = (role: FaceRole) => ({
  eastAsia: FACE[role],
  ascii: FACE.latin,
  hAnsi: FACE.latin,
  cs: FACE.latin,
});
const run = (text: string, role: FaceRole = 'body', size: number = SIZE.body, extra: object = {}) =>
  new TextRun({ text, font: font(role), size: size * 2, ...extra });
const exact = (pt: number = LINE_PT) => ({ line: Math.round(pt * 20), lineRule: LineRuleType.EXACT });
const blank = () => new Paragraph({ spacing: exact(), children: [run('')] });

function blockParas(b: Block, inTable = false): (Paragraph | Table)[] {
  if (b.kind === 'heading') {
    return [
      new Paragraph({
        spacing: exact(),
        indent: { firstLine: 2 * CHAR },
        children: [run(b.text, b.level === 1 ? 'heading1' : 'heading2')],
      }),
    ];
  }
  if (b.kind === 'paragraph') {
    const size = b.small ? SIZE.table : SIZE.body;
    return [
      new Paragraph({
        spacing: b.small ? exact(SIZE.table * 1.5) : exact(),
        alignment:
          b.align === 'right'
            ? AlignmentType.RIGHT
            : b.align === 'center'
              ? AlignmentType.CENTER
              : AlignmentType.JUSTIFIED,
        indent: b.indent === false || inTable ? undefined : { firstLine: 2 * size * 20 },
        children: [run(b.text, 'body', size)],
      }),
    ];
  }
  return [table(b)];
}

const line = (size: number, color = '000000'): IBorderOptions => ({ style: BorderStyle.SINGLE, size, color });
const NONE: IBorderOptions = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };

function table(b: Extract<Block, { kind: 'table' }>): Table {
  const total = b.columns.reduce((s, c) => s + c.width, 0);
  const widths = b.columns.map((c) => Math.floor((TEXT_WIDTH * c.width) / total));
  const align = (a?: string) =>
    a === 'right' ? AlignmentType.RIGHT : a === 'center' ? AlignmentType.CENTER : AlignmentType.LEFT;
  const cell = (text: string, i: number, header: boolean) =>
    new TableCell({
      width: { size: widths[i], type: WidthType.DXA },
      verticalAlign: VerticalAlignTable.CENTER,
      margins: { left: 60, right: 60, top: 30, bottom: 30 },
      children: [
        new Paragraph({
          spacing: exact(SIZE.table * 1.4),
          alignment: header ? AlignmentType.CENTER : align(b.columns[i].align),
          children: [run(text, header ? 'heading1' : 'body', SIZE.table)],
        }),
      ],
    });
  return new Table({
    layout: TableLayoutType.FIXED,
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    alignment: AlignmentType.CENTER,
    rows: [
      new TableRow({ tableHeader: true, children: b.columns.map((c, i) => cell(c.title, i, true)) }),
      ...b.rows.map((r) => new TableRow({ cantSplit: true, children: r.map((t, i) => cell(t, i, false)) })),
    ],
  });
}

/** 落款: the issuer centred over the date, the date four characters from the right. */
function signature(s: Signature): Paragraph[] {
  const dateCells = cells(s.date);
  return [
    ...Array.from({ length: SEAL_LINES - 1 }, blank),
    ...s.lines.map(
      (l) =>
        new Paragraph({
          spacing: exact(),
          alignment: AlignmentType.RIGHT,
          indent: { right: Math.max(0, Math.round((4 + (dateCells - cells(l)) / 2) * CHAR)) },
          children: [run(l)],
        }),
    ),
    new Paragraph({
      spacing: exact(),
      alignment: AlignmentType.RIGHT,
      indent: { right: 4 * CHAR },
      children: [run(s.date)],
    }),
  ];
}

/** Two parties side by side (目标责任书). */
function signaturePair(sigs: Signature[]): Table {
  const half = Math.floor(TEXT_WIDTH / 2);
  const borders = {
    top: NONE,
    bottom: NONE,
    left: NONE,
    right: NONE,
    insideHorizontal: NONE,
    insideVertical: NONE,
  };
  return new Table({
    layout: TableLayoutType.FIXED,
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: sigs.map(() => half),
    borders,
    rows: [
      new TableRow({
        children: sigs.map(
          (s) =>
            new TableCell({
              width: { size: half, type: WidthType.DXA },
              borders: { top: NONE, bottom: NONE, left: NONE, right: NONE },
              children: [...s.lines, s.date].map(
                (l) => new Paragraph({ spacing: exact(LINE_PT * 1.5), children: [run(l)] }),
              ),
            }),
        ),
      }),
    ],
  });
}

/** 版记: 抄送, then 印发机关 and 印发日期, between rules, floated to the foot of the text block. */
function record(doc: OfficialDocument): Table | null {
  const r = doc.record;
  if (!r) return null;
  const thick = line(8);
  const thin = line(4);
  const para = (children: TextRun[], alignment: (typeof AlignmentType)[keyof typeof AlignmentType]) =>
    new Paragraph({ spacing: exact(), alignment, indent: { left: 280, right: 280 }, children });
  const rows: TableRow[] = [];
  if (r.cc.length)
    rows.push(
      new TableRow({
        children: [
          new TableCell({
            columnSpan: 2,
            borders: { top: thick, bottom: thin, left: NONE, right: NONE },
            children: [para([run(`抄送：${r.cc.join('，')}。`, 'body', SIZE.small)], AlignmentType.LEFT)],
          }),
        ],
      }),
    );
  rows.push(
    new TableRow({
      children: [
        new TableCell({
          borders: { top: r.cc.length ? thin : thick, bottom: thick, left: NONE, right: NONE },
          children: [para([run(r.printer, 'body', SIZE.small)], AlignmentType.LEFT)],
        }),
        new TableCell({
          borders: { top: r.cc.length ? thin : thick, bottom: thick, left: NONE, right: NONE },
          children: [
            para([run(r.printDate ? `${r.printDate}印发` : '', 'body', SIZE.small)], AlignmentType.RIGHT),
          ],
        }),
      ],
    }),
  );
  const half = Math.floor(TEXT_WIDTH / 2);
  return new Table({
    layout: TableLayoutType.FIXED,
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [half, TEXT_WIDTH - half],
    float: {
      horizontalAnchor: TableAnchorType.MARGIN,
      verticalAnchor: TableAnchorType.MARGIN,
      relativeVerticalPosition: RelativeVerticalPosition.BOTTOM,
    },
    rows,
  });
}

function pageNumberFooter(side: 'odd' | 'even'): Footer {
  return new Footer({
    children: [
      new Paragraph({
        alignment: side === 'odd' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: side === 'odd' ? { right: SIZE.small * 20 } : { left: SIZE.small * 20 },
        children: [
          new TextRun({
            children: ['— ', PageNumber.CURRENT, ' —'],
            font: font('song'),
            size: SIZE.small * 2,
          }),
        ],
      }),
    ],
  });
}

/** The head: 发文机关标志 in red, 发文字号, the red rule; then the title and 主送. */
function head(doc: OfficialDocument): Paragraph[] {
  const out: Paragraph[] = [];
  out.push(
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { line: Math.round(SIZE.mark * 1.3 * 20), lineRule: LineRuleType.EXACT, before: LINE },
      children: [run(doc.issuerMark, 'title', SIZE.mark, { color: RED })],
    }),
  );
  out.push(blank());
  out.push(
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { ...exact(), after: tw(4) },
      border: { bottom: { style: BorderStyle.SINGLE, size: 12, color: RED, space: 4 } },
      children: [run(doc.docNumber)],
    }),
  );
  out.push(blank());
  out.push(
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: exact(SIZE.title * 1.6),
      children: [run(doc.title, 'title', SIZE.title)],
    }),
  );
  out.push(blank());
  if (doc.addressee) out.push(new Paragraph({ spacing: exact(), children: [run(doc.addressee)] }));
  return out;
}

/** The letter's head: no 文号, the title in the middle of the first lines. */
function letterHead(doc: OfficialDocument): Paragraph[] {
  return [
    blank(),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: exact(SIZE.title * 1.6),
      children: [run(doc.title, 'title', SIZE.title)],
    }),
    blank(),
    ...(doc.addressee ? [new Paragraph({ spacing: exact(), children: [run(doc.addressee)] })] : []),
  ];
}

/** The .docx file of a document. */
export async function renderDocx(doc: OfficialDocument): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [];
  children.push(...(doc.docNumber ? head(doc) : letterHead(doc)));
  for (const b of doc.body) children.push(...blockParas(b));
  if (doc.attachments.length) {
    children.push(blank());
    doc.attachments.forEach((a, i) => {
      const label = doc.attachments.length > 1 ? `${i + 1}．${a.title}` : a.title;
      children.push(
        new Paragraph({
          spacing: exact(),
          indent: i === 0 ? { left: 2 * CHAR } : { left: 5 * CHAR },
          children: [run(i === 0 ? `附件：${label}` : label)],
        }),
      );
    });
  }
  if (doc.signatures.length === 1) children.push(...signature(doc.signatures[0]));
  else if (doc.signatures.length > 1) children.push(blank(), signaturePair(doc.signatures));
  doc.attachments.forEach((a, i) => {
    children.push(
      new Paragraph({
        pageBreakBefore: true,
        spacing: exact(),
        children: [run(doc.attachments.length > 1 ? `附件${i + 1}` : '附件', 'heading1')],
      }),
      blank(),
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: exact(SIZE.title * 1.6),
        children: [run(a.title, 'title', SIZE.title)],
      }),
      blank(),
    );
    for (const b of a.blocks) children.push(...blockParas(b));
  });
  const rec = record(doc);
  if (rec) children.push(rec, new Paragraph({ spacing: exact(), children: [run('')] }));

  const document = new Document({
    creator: doc.signatures[0]?.lines[0] ?? '',
    title: doc.title,
    subject: doc.subject,
    description: `GB/T 9704-2012; ${doc.docNumber}`,
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: {
        document: { run: { font: font('body'), size: SIZE.body * 2 }, paragraph: { spacing: exact() } },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: tw(PAGE.widthMm), height: tw(PAGE.heightMm) },
            margin: {
              top: tw(MARGIN.topMm),
              bottom: tw(MARGIN.bottomMm),
              left: tw(MARGIN.leftMm),
              right: tw(MARGIN.rightMm),
              header: tw(15),
              footer: tw(MARGIN.bottomMm - PAGE_NUMBER_GAP_MM - SIZE.small * 0.3528 - 1),
              gutter: 0,
            },
          },
          grid: {
            type: DocumentGridType.LINES_AND_CHARS,
            linePitch: LINE,
            charSpace: Math.round((CHAR_PT - SIZE.body) * 4096),
          },
        },
        footers: { default: pageNumberFooter('odd'), even: pageNumberFooter('even') },
        children,
      },
    ],
  });
  return Packer.toBuffer(document);
}
