/**
 * GB/T 9704-2012 《党政机关公文格式》 in numbers, shared by the .docx and PDF renderers: A4, margins
 * (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm: a 156 × 225 mm text block), 22 lines × 28
 * characters of 3号 (16 pt) type a page, and the type each part is set in.
 */

export const MM_PER_PT = 25.4 / 72;
export const mmToPt = (mm: number): number => mm / MM_PER_PT;

export const PAGE = { widthMm: 210, heightMm: 297 };
export const MARGIN = { topMm: 37, bottomMm: 35, leftMm: 28, rightMm: 26 };
export const TEXT_BLOCK = {
  widthMm: PAGE.widthMm - MARGIN.leftMm - MARGIN.rightMm, // 156
  heightMm: PAGE.heightMm - MARGIN.topMm - MARGIN.bottomMm, // 225
};
export const LINES_PER_PAGE = 22;
export const CHARS_PER_LINE = 28;
/** Line pitch: 225 mm / 22 lines = 28.95 pt. */
export const LINE_PT = mmToPt(TEXT_BLOCK.heightMm) / LINES_PER_PAGE;
/** Character pitch: 156 mm / 28 characters = 15.79 pt (3号 type set slightly tight). */
export const CHAR_PT = mmToPt(TEXT_BLOCK.widthMm) / CHARS_PER_LINE;

/** Type sizes in points (Chinese 号 sizes). */
export const SIZE = {
  /** 2号: the title. */
  title: 22,
  /** 3号: body, headings, 主送, 落款. */
  body: 16,
  /** 4号: page numbers, 版记. */
  small: 14,
  /** 小四: table cells. */
  table: 12,
  /** 发文机关标志 (red, above the red rule). */
  mark: 36,
};

/** The faces as the standard names them (written into the .docx; the PDF maps them to installed fonts). */
export const FACE = {
  title: '方正小标宋简体',
  body: '仿宋_GB2312',
  heading1: '黑体',
  heading2: '楷体_GB2312',
  song: '宋体',
  /** Latin letters and digits beside the Chinese. */
  latin: 'Times New Roman',
} as const;
export type FaceRole = keyof typeof FACE;

/** Red of the 发文机关标志 and the rule under it. */
export const RED = 'E60012';
/** Page numbers sit 7 mm below the text block. */
export const PAGE_NUMBER_GAP_MM = 7;
/** The seal needs about three lines above the 落款. */
export const SEAL_LINES = 3;

/** Width of a string in character cells: CJK and full-width forms 1, everything else ½. */
export function cells(text: string): number {
  let n = 0;
  for (const ch of text) n += /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f—]/.test(ch) ? 1 : 0.5;
  return n;
}
