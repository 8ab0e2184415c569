/**
 * Completion in the formula editor (CodeMirror 6): inside `"var": "…"` the declared variables with
 * their labels and units; where an operation's name goes (`{"…`) the allowed operations; typing a
 * bare word offers both as ready-made JSON (`{"var": "pm25"}`, `{"max": [·, ·]}`).
 */
import { unitIn } from '$engine/explain/units.ts';
import {
  snippetCompletion,
  type Completion,
  type CompletionContext,
  type CompletionResult,
} from '@codemirror/autocomplete';
import { OPERATIONS } from './ops.ts';

export interface VariableInfo {
  key: string;
  label: { zh: string; en?: string };
  unit?: string;
  kind: 'parameter' | 'input' | 'derived';
  type?: string;
}

const kindType = (kind: VariableInfo['kind']) =>
  kind === 'derived' ? 'function' : kind === 'parameter' ? 'constant' : 'variable';

function varDetail(v: VariableInfo, lang: 'zh' | 'en'): string {
  const name = lang === 'en' && v.label.en ? v.label.en : v.label.zh;
  if (!v.unit) return name;
  const unit = unitIn(v.unit, lang);
  return lang === 'en' ? `${name} (${unit})` : `${name}（${unit}）`;
}

/** A completion source reading the current variables and language at each call. */
export function formulaCompletionSource(getVars: () => VariableInfo[], getLang: () => 'zh' | 'en') {
  return (ctx: CompletionContext): CompletionResult | null => {
    const lang = getLang();
    const vars = getVars();
    const before = ctx.state.sliceDoc(Math.max(0, ctx.pos - 200), ctx.pos);

    // Inside a string literal that is being typed.
    const inString = /"([^"\\\s]*)$/.exec(before);
    if (inString && countQuotes(before.slice(0, before.length - inString[0].length)) % 2 === 0) {
      const from = ctx.pos - inString[1].length;
      const prefix = before.slice(0, before.length - inString[0].length);
      if (/\{\s*$/.test(prefix)) {
        return {
          from,
          options: OPERATIONS.map((o): Completion => ({
            label: o.op,
            detail: lang === 'zh' ? o.zh : o.en,
            type: 'keyword',
          })),
          validFor: /^[^"\s]*$/,
        };
      }
      return {
        from,
        options: vars.map((v): Completion => ({
          label: v.key,
          detail: varDetail(v, lang),
          type: kindType(v.kind),
          boost: /"var"\s*:\s*\[?\s*$/.test(prefix) ? 1 : 0,
        })),
        validFor: /^[\w.]*$/,
      };
    }

    const word = ctx.matchBefore(/[A-Za-z_][\w]*/);
    if (!word && !ctx.explicit) return null;
    const from = word ? word.from : ctx.pos;
    const options: Completion[] = [
      ...vars.map((v) =>
        snippetCompletion(`{"var": "${v.key}"}`, {
          label: v.key,
          detail: varDetail(v, lang),
          type: kindType(v.kind),
          boost: 1,
        }),
      ),
      ...OPERATIONS.filter((o) => /^[a-z_]+$/.test(o.op)).map((o) =>
        snippetCompletion(o.template, { label: o.op, detail: lang === 'zh' ? o.zh : o.en, type: 'keyword' }),
      ),
    ];
    return { from, options, validFor: /^[\w]*$/ };
  };
}

/** Unescaped double quotes in `text` (to tell whether a position is inside a string). */
function countQuotes(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') n++;
  }
  return n;
}
