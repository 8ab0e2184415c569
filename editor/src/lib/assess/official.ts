/**
 * The official documents' conventions for the printable pages, as the server's .docx / .pdf apply
 * them (server/documents/model.ts): 发文字号 `吉环考〔2026〕3号`, dates `2026年12月3日`, lists joined
 * by 、, and the date a run's documents carry.
 */

/** `2026-12-03` (or an ISO date-time) → `2026年12月3日`; anything else is returned as it is. */
export function chineseDate(iso: string | null | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso ?? '');
  return m ? `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日` : (iso ?? '');
}

/**
 * The 发文字号 line: the registered number normalised (`吉环考[2026]第03号` → `吉环考〔2026〕3号`), or
 * the abbreviation with the number left blank and a note when none is registered yet.
 */
export function docNumberLine(
  registered: string | null | undefined,
  abbreviation: string,
  year: number,
): { text: string; missing: boolean } {
  const raw = (registered ?? '').trim();
  if (raw)
    return {
      text: raw
        .replace(/[[(（【]\s*(\d{4})\s*[\])）】]/, '〔$1〕')
        .replace(/〕\s*第?\s*0*(\d+)\s*号$/, '〕$1号'),
      missing: false,
    };
  return { text: `${abbreviation}〔${year}〕　号（尚未登记文号）`, missing: true };
}

/** The date a run's documents carry: its publication date, else the day it was run (ISO). */
export function runDate(run: { createdAt: string; publication?: { publishedOn: string } | null }): string {
  return run.publication?.publishedOn ?? run.createdAt.slice(0, 10);
}

/** How a region is addressed: `长春市人民政府`, `长白山管委会`. */
export function governmentOf(name: string): string {
  return /(管委会|人民政府|政府)$/.test(name) ? name : `${name}人民政府`;
}
