/**
 * Chinese punctuation: the documents, the printable pages and the exports write full-width marks
 * in Chinese text (docs/glossary.md), also where a rule document's own text has ASCII ones.
 */

const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

/**
 * ASCII punctuation next to Chinese text made full-width (`优秀(90分以上)` → `优秀（90分以上）`,
 * `长春市,吉林市` → `长春市，吉林市`); punctuation between Latin letters and digits (`PM2.5`, `1,000`,
 * `(a, b)`) stays as it is.
 */
export function zhPunct(text: string): string {
  const chars = [...text];
  const out = chars.map((ch, i) => {
    const map: Record<string, string> = {
      '(': '（',
      ')': '）',
      ',': '，',
      ';': '；',
      ':': '：',
      '?': '？',
      '!': '！',
    };
    const full = map[ch];
    if (!full) return ch;
    const prev =
      chars
        .slice(0, i)
        .reverse()
        .find((c) => c !== ' ') ?? '';
    const next = chars.slice(i + 1).find((c) => c !== ' ') ?? '';
    if (ch === '(') return CJK.test(prev) || CJK.test(next) ? full : ch;
    if (ch === ')') {
      // close like the matching open bracket was closed
      const open = chars.slice(0, i).join('').lastIndexOf('(');
      const openFull = chars.slice(0, i).join('').lastIndexOf('（');
      return openFull > open ? full : CJK.test(prev) || CJK.test(next) ? full : ch;
    }
    return CJK.test(prev) ? full : ch;
  });
  // a full-width mark takes no spaces around it
  return out.join('').replace(/ *([（），；：？！、。]) */g, '$1');
}
