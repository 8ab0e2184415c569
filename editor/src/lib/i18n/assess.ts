/**
 * Messages of the assessment pages (data, runs, diff, regions, audit, reports): a dictionary of
 * their own beside the shell's, read in the shell's current language (`i18n.locale`).
 *
 * @example
 * ta('runs.title') // "考核" / "Assessments"
 * ta('data.problems', { count: 3 }) // "3 个问题"
 */
import { i18n, translator } from './index.svelte.ts';
import { assessZh, type AssessKey } from './assess.zh.ts';
import { assessEn } from './assess.en.ts';

export type { AssessKey };

/** The assessment message for `key` in the current language, `{name}` placeholders filled. */
export const ta = translator<AssessKey>(assessZh, assessEn);

/** The current language as the trace and chart helpers take it. */
export function lang(): 'zh' | 'en' {
  return i18n.locale === 'en' ? 'en' : 'zh';
}
