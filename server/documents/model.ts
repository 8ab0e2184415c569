/**
 * The content model of an official document (公文, GB/T 9704-2012), built once per document and
 * rendered twice: as .docx (`docx.ts`) and as PDF (`pdf.ts`). The builders (`notice.ts`,
 * `statement.ts`, `letter.ts`, `correction.ts`) only decide the words; the renderers only decide
 * the layout, so the two files always carry the same content.
 *
 * @example
 * const doc: OfficialDocument = { kind: 'notice', title: '…', body: [{ kind: 'paragraph', text: '…' }], … };
 * const bytes = await renderDocx(doc);
 */

export type DocumentKind = 'notice' | 'statement' | 'letter' | 'correction';

/** A block of text in the body or an attachment. */
export type Block =
  /** 一级标题 (黑体, `一、`) or 二级标题 (楷体, `（一）`). */
  | { kind: 'heading'; level: 1 | 2; text: string }
  /** A body paragraph: first line indented two characters unless `indent: false`. */
  | {
      kind: 'paragraph';
      text: string;
      indent?: boolean;
      align?: 'left' | 'right' | 'center';
      small?: boolean;
    }
  | { kind: 'table'; columns: TableColumn[]; rows: string[][] };

export interface TableColumn {
  title: string;
  /** Relative width (the renderers share the text width out in these proportions). */
  width: number;
  align?: 'left' | 'center' | 'right';
}

/** An attachment (附件): starts a new page with `附件N` in 黑体 and its own title. */
export interface Attachment {
  title: string;
  blocks: Block[];
}

/** 落款: the issuing body's name and the date, with room above for the seal. */
export interface Signature {
  /** 发文机关署名, or for the letter one party ("吉林省人民政府（盖章）"). */
  lines: string[];
  /** 成文日期 in Chinese form (`2026年12月3日`), or blanks to fill in by hand (`年　月　日`). */
  date: string;
}

/** 版记: 抄送, 印发机关 and 印发日期 between rules on the last page. */
export interface DocRecord {
  cc: string[];
  printer: string;
  printDate: string;
}

export interface OfficialDocument {
  kind: DocumentKind;
  /** 发文机关标志 in red at the head of the first page (e.g. `吉林省人民政府文件`). */
  issuerMark: string;
  /** 发文字号 (`吉环考〔2026〕3号`), the notice that none is registered yet, or '' for none (the letter). */
  docNumber: string;
  /** True when `docNumber` is the "not registered yet" notice rather than a number. */
  docNumberMissing: boolean;
  title: string;
  /** 主送机关 line as printed, colon included (`各市（州）人民政府：`); null for none. */
  addressee: string | null;
  body: Block[];
  /** 附件说明 lines are derived from `attachments`. */
  attachments: Attachment[];
  /** One signature, or two side by side (目标责任书: both parties). */
  signatures: Signature[];
  /** 版记, or null for a document without one (the letter). */
  record: DocRecord | null;
  /** The file name without extension (ASCII, for Content-Disposition's fallback). */
  fileName: string;
  /** The file name in Chinese (Content-Disposition `filename*`). */
  fileNameZh: string;
  /** Document metadata: subject and keywords. */
  subject: string;
}

/** Chinese date form of an ISO date or timestamp: `2026-12-03` → `2026年12月3日`. */
export function chineseDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) throw new Error(`not an ISO date: ${iso}`);
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
}

/** A date left blank for the hand (signature blocks of the letter). */
export const BLANK_DATE = '　　年　　月　　日';

/** Chinese numbers for headings: 1 → 一, 12 → 十二, 23 → 二十三. */
export function cnNumber(n: number): string {
  const d = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
  if (n <= 10) return d[n];
  if (n < 20) return `十${d[n - 10]}`;
  return `${d[Math.floor(n / 10)]}十${n % 10 ? d[n % 10] : ''}`;
}

/** 发文字号 form: `吉环考〔2026〕3号` (year in 〔〕, no leading zeros, no 第). */
export const DOC_NUMBER = /^[^\s〔〕]{1,20}〔\d{4}〕[1-9]\d*号$/;

/**
 * The 发文字号 line: the registered number as it is (normalised: `[2026]`/`(2026)` → `〔2026〕`,
 * leading zeros and 第 dropped), or, when there is none, the abbreviation and year with the number
 * left blank and a clear note — never an internal id.
 */
export function docNumberLine(
  registered: string | null | undefined,
  abbreviation: string,
  year: number,
): { text: string; missing: boolean } {
  const raw = (registered ?? '').trim();
  if (raw) {
    const norm = raw
      .replace(/[[(（【]\s*(\d{4})\s*[\])）】]/, '〔$1〕')
      .replace(/〕\s*第?\s*0*(\d+)\s*号$/, '〕$1号');
    return { text: norm, missing: false };
  }
  return { text: `${abbreviation}〔${year}〕　号（尚未登记文号）`, missing: true };
}

/** Full-width Chinese list: 省纪委监委、省委组织部. */
export const joinZh = (items: readonly string[]): string => items.join('、');
