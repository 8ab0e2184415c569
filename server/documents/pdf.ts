/**
 * Renders an `OfficialDocument` as PDF (pdfkit) with the layout of the .docx: A4, GB/T 9704 margins,
 * 22 lines of 28 characters a page on a fixed line grid, the red 发文机关标志 and rule, tables that
 * repeat their header on each page, the 落款 with room for the seal, 版记 at the foot of the last
 * page, page numbers `— N —`. White pages: nothing is ever filled but the red rule.
 */
import PDFDocument from 'pdfkit';
import type { OfficialDocument, Signature } from './model.ts';
import { CHAR_PT, LINE_PT, PAGE, PAGE_NUMBER_GAP_MM, RED, SEAL_LINES, SIZE, mmToPt } from './layout.ts';
import { installedFonts } from './fonts.ts';
import { BOTTOM, LEFT, WIDTH, Writer } from './pdf-writer.ts';

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
