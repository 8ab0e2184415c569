/**
 * A JSON syntax error in a formula, said for people: where (line and column) and what is wrong, in
 * Chinese or English, instead of the browser's parser message ("Expected ',' or ']' after array
 * element in JSON at position 69"). Full-width punctuation typed with a Chinese input method
 * (，：“”［］｛｝) is named as the likely cause.
 *
 * @example
 * jsonSyntaxMessage('[1, 2', 'zh') // → '第 1 行第 6 列：公式不完整，缺少 ] 或 }'
 */

type Lang = 'zh' | 'en';

const FULL_WIDTH: Record<string, string> = {
  '，': ',',
  '：': ':',
  '“': '"',
  '”': '"',
  '［': '[',
  '］': ']',
  '｛': '{',
  '｝': '}',
  '（': '(',
  '）': ')',
  '　': ' ',
};

/** What went wrong, by the parser's message (V8's wording), in both languages. */
const KINDS: { match: RegExp; zh: string; en: string }[] = [
  {
    match: /Unexpected end of JSON input/,
    zh: '公式不完整，缺少 ] 或 }',
    en: 'the formula ends too early: a ] or } is missing',
  },
  {
    match: /after array element/,
    zh: '数组的元素之间缺少逗号，或缺少 ]',
    en: 'a comma between list elements, or a ], is missing',
  },
  { match: /after property value/, zh: '缺少逗号或 }', en: 'a comma or a } is missing' },
  { match: /':' after property name/, zh: '名称后缺少冒号', en: 'a colon is missing after the name' },
  {
    match: /double-quoted property name/,
    zh: '此处应为用双引号括起的名称（如 "var"），或多了一个逗号',
    en: 'a double-quoted name (like "var") is expected here, or there is one comma too many',
  },
  {
    match: /property name or '}'/,
    zh: '名称须用双引号括起（如 "var"）',
    en: 'names must be in double quotes (like "var")',
  },
  {
    match: /Unterminated string/,
    zh: '文字缺少结束的双引号',
    en: 'a text is missing its closing double quote',
  },
  {
    match: /Bad control character|Bad escaped character/,
    zh: '文字中有换行或不允许的字符',
    en: 'a text contains a line break or a character that is not allowed',
  },
  {
    match: /non-whitespace character after JSON/,
    zh: '公式结束后还有多余的内容',
    en: 'there is more text after the end of the formula',
  },
  { match: /Unexpected token/, zh: '不能识别的符号', en: 'a symbol that cannot be read here' },
];

/** The 0-based offset the parser names, or the first place the unexpected token stands outside a string. */
function offsetOf(text: string, message: string): number {
  const at = /at position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  if (/Unexpected end/.test(message)) return text.length;
  const token = /Unexpected token '(.)'/.exec(message)?.[1];
  if (token !== undefined) {
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === token) return i;
    }
  }
  return 0;
}

/** Line and column (1-based) of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** The message for a text that does not parse (`error` is what JSON.parse threw). */
export function jsonSyntaxMessage(text: string, lang: Lang, error?: unknown): string {
  let parserMessage = error instanceof Error ? error.message : '';
  if (!parserMessage) {
    try {
      JSON.parse(text);
      return '';
    } catch (e) {
      parserMessage = (e as Error).message;
    }
  }
  const offset = offsetOf(text, parserMessage);
  const { line, column } = lineColumn(text, offset);
  // Browsers differ in what they say at the very end; there, the formula is simply unfinished.
  const atEnd = offset >= text.trimEnd().length;
  const named = KINDS.find((k) => k.match.test(parserMessage));
  const kind = atEnd && !/Unterminated string/.test(parserMessage) ? KINDS[0] : named;
  const what = kind ? kind[lang] : lang === 'zh' ? '语法错误' : 'syntax error';
  const fullWidth = [...new Set([...text].filter((c) => c in FULL_WIDTH))];
  const hint = fullWidth.length
    ? lang === 'zh'
      ? `；公式中有全角符号 ${fullWidth.map((c) => `「${c}」`).join('')}，请改为半角 ${fullWidth.map((c) => FULL_WIDTH[c]).join(' ')}`
      : `; the formula contains full-width ${fullWidth.join(' ')}: use ${fullWidth.map((c) => FULL_WIDTH[c]).join(' ')}`
    : '';
  return lang === 'zh'
    ? `第 ${line} 行第 ${column} 列：${what}${hint}`
    : `line ${line}, column ${column}: ${what}${hint}`;
}
