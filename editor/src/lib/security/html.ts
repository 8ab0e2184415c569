/**
 * Escaping for the few places where the editor builds HTML text itself instead of letting Svelte
 * escape it: ECharts tooltip formatters (their return value is set as innerHTML) and anything else
 * that ends up in `innerHTML` or `{@html}`. Every user-supplied string (region names, grade labels,
 * item labels …) goes through `escapeHtml` there.
 *
 * @example
 * escapeHtml('<img src=x onerror=alert(1)>') // '&lt;img src=x onerror=alert(1)&gt;'
 */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** The text as HTML that shows exactly that text, in element content and in quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => ENTITIES[c]);
}

/**
 * A template tag that escapes every interpolated value and keeps the literal parts (the markup the
 * code itself writes) as they are.
 *
 * @example
 * html`${region}：${total}<br/>` // region escaped, the <br/> kept
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += escapeHtml(values[i]) + strings[i + 1];
  return out;
}
