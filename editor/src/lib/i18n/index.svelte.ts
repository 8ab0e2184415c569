import { zh, type MessageKey } from './zh.ts';
import { en } from './en.ts';
import { unitIn } from '../../../../engine/explain/units.ts';

export type Locale = 'zh' | 'en';
export type { MessageKey };

const dictionaries: Record<Locale, Record<MessageKey, string>> = { zh, en };
const STORAGE_KEY = 'ecoscore.locale';

function initialLocale(): Locale {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

/** The current language; reading `i18n.locale` in a template makes it re-render on a switch. */
export const i18n = $state<{ locale: Locale }>({ locale: initialLocale() });

/** Sets the language for this browser (the server copy is updated by the session module). */
export function setLocale(locale: Locale): void {
  i18n.locale = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  document.documentElement.lang = locale === 'zh' ? 'zh-CN' : 'en';
}

/**
 * The message for `key` in the current language, with `{name}` placeholders filled.
 * @example t('rules.versionsOf', { count: 3 }) // "3 个版本"
 */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return fill(dictionaries[i18n.locale][key] ?? zh[key] ?? key, params);
}

/** `text` with its `{name}` placeholders filled from `params` (a name not given stays as written). */
export function fill(text: string, params?: Record<string, string | number>): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * The message function of a dictionary of its own (assessment, appeals, trust, documents): the
 * message for `key` in the current language (Chinese where the English lacks it), placeholders filled.
 */
export function translator<K extends string>(
  zhDict: Readonly<Record<K, string>>,
  enDict: Readonly<Record<K, string>>,
): (key: K, params?: Record<string, string | number>) => string {
  return (key, params) =>
    fill((i18n.locale === 'en' ? enDict[key] : undefined) ?? zhDict[key] ?? key, params);
}

/** A document label in the current language, falling back to Chinese. */
export function label(l: { zh: string; en?: string } | undefined | null): string {
  if (!l) return '';
  return i18n.locale === 'en' && l.en ? l.en : l.zh;
}

/** A date for display (local time): "2025年3月1日" in Chinese, "2025-03-01" in English. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T00:00:00`) : new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return i18n.locale === 'en'
    ? `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
    : `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;
}

/** A date-time for display (local time): "2025年3月1日 14:05" in Chinese, "2025-03-01 14:05" in English. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${formatDate(iso)} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A number for display with at most `digits` decimals (no float residue). */
export function formatNumber(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return String(Number(n.toFixed(digits)));
}

/** A document's unit in the current language (`吨` → `t` in English; docs/glossary.md). */
export function unitText(u: string | null | undefined): string {
  return u ? unitIn(u, i18n.locale) : '';
}

/** A unit after a name: `（吨）` in Chinese, ` (t)` in English; '' without a unit. */
export function unitSuffix(u: string | null | undefined): string {
  if (!u) return '';
  return i18n.locale === 'en' ? ` (${unitIn(u, 'en')})` : `（${u}）`;
}
