import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from './html.ts';

describe('escapeHtml', () => {
  it.each([
    ['<img src=x onerror=window.__xss=1>', '&lt;img src=x onerror=window.__xss=1&gt;'],
    ['</script><script>alert(1)</script>', '&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;'],
    [`" onmouseover="x' \``, '&quot; onmouseover=&quot;x&#39; &#96;'],
    ['&lt;', '&amp;lt;'],
    ['长春市 A&B', '长春市 A&amp;B'],
    ['', ''],
  ])('%s', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });

  it('turns non-strings into text', () => {
    expect(escapeHtml(12.5)).toBe('12.5');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(undefined)).toBe('');
  });

  it('gives HTML that parses back to the same text and no element', () => {
    const hostile = '<img src=x onerror=alert(1)><b>x</b>&amp;"\'';
    const escaped = escapeHtml(hostile);
    expect(escaped).not.toMatch(/[<>"'`]/);
    // No DOM here: decode the entities as an HTML parser would (&amp; last).
    const decoded = escaped
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&#96;/g, '`')
      .replace(/&amp;/g, '&');
    expect(decoded).toBe(hostile);
  });
});

describe('html`…`', () => {
  it('escapes the values and keeps the literal markup', () => {
    const region = '<img src=x onerror=alert(1)>';
    expect(html`${region}：${3}<br />${'a&b'}`).toBe('&lt;img src=x onerror=alert(1)&gt;：3<br />a&amp;b');
  });
});
