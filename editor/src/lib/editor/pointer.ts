/**
 * Mapping validation problems (JSON pointers into the document) to the form fields that show them.
 * Every field of the draft editor carries `data-path="<pointer>"`; a problem is shown on the field
 * whose path is the longest prefix of the problem's path that is a field (its *anchor*): a problem
 * at `/categories/0/items/3/logic/max/1` is shown on the formula `/categories/0/items/3/logic`, one
 * at `/inputs/2/label` (no such field) on the row `/inputs/2`.
 */

const LABEL = 'label/zh|label/en';
const FIELD_PATTERNS: RegExp[] = [
  /^$/,
  /^\/(family|year|title\/zh|title\/en|basis|maxScore|precision|downgradeStacking|schemaVersion)$/,
  /^\/(parameters|inputs|derived|categories|downgrades|caps|vetoes|grades|tests|bonus)$/,
  new RegExp(`^/parameters/\\d+(/(key|${LABEL}|value|unit|basis))?$`),
  new RegExp(`^/inputs/\\d+(/(key|${LABEL}|unit|type|min|max|default|required|role|source|enum|previous))?$`),
  /^\/inputs\/\d+\/enum\/\d+\/(value|label\/zh|label\/en)$/,
  new RegExp(`^/derived/\\d+(/(key|${LABEL}|logic|note))?$`),
  new RegExp(`^/categories/\\d+(/(id|${LABEL}|maxPoints|note|items|notApplicable))?$`),
  new RegExp(`^/categories/\\d+/items/\\d+(/(id|${LABEL}|maxPoints|logic|note|applies|basis|rubric))?$`),
  /^\/bonus\/(cap|items)$/,
  new RegExp(`^/bonus/items/\\d+(/(id|${LABEL}|logic|note))?$`),
  new RegExp(`^/downgrades/\\d+(/(id|${LABEL}|when|levels|note))?$`),
  new RegExp(`^/caps/\\d+(/(id|${LABEL}|when|maxGrade|note))?$`),
  new RegExp(`^/vetoes/\\d+(/(id|${LABEL}|when|note))?$`),
  new RegExp(`^/grades/\\d+(/(id|${LABEL}|min))?$`),
  /^\/tests\/\d+(\/(name|inputs|expect))?$/,
  /^\/tests\/\d+\/inputs\/[^/]+$/,
  /^\/tests\/\d+\/expect\/(total|base|bonus|scoreGrade|grade|vetoes|downgrades|caps|items)$/,
  /^\/tests\/\d+\/expect\/items\/[^/]+$/,
];

/** The tokens of a JSON pointer, still escaped (`~0`, `~1`). */
function tokens(path: string): string[] {
  return path === '' || path === '/' ? [] : path.replace(/^\//, '').split('/');
}

/** The field that shows a problem at `path` (see the module comment). */
export function anchorOf(path: string): string {
  const parts = tokens(path);
  for (let k = parts.length; k > 0; k--) {
    const prefix = '/' + parts.slice(0, k).join('/');
    if (FIELD_PATTERNS.some((r) => r.test(prefix))) return prefix;
  }
  return '';
}

/** Decodes one pointer token (RFC 6901). */
export function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Encodes one pointer token. */
export function escapeToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

export type SectionId =
  'overview' | 'parameters' | 'inputs' | 'derived' | 'categories' | 'adjustments' | 'tests' | 'json';

/** The editor tab that holds the field at `path`. */
export function sectionOf(path: string): SectionId {
  const first = tokens(path)[0] ?? '';
  switch (first) {
    case 'parameters':
      return 'parameters';
    case 'inputs':
      return 'inputs';
    case 'derived':
      return 'derived';
    case 'categories':
      return 'categories';
    case 'bonus':
    case 'downgrades':
    case 'caps':
    case 'vetoes':
    case 'downgradeStacking':
      return 'adjustments';
    case 'tests':
      return 'tests';
    default:
      return 'overview';
  }
}

/**
 * The list row that holds `path` (`/inputs/3`, `/categories/0/items/2`, `/tests/1` …), whose
 * details may be folded away; null for paths outside a row.
 */
export function rowOf(path: string): string | null {
  const m =
    /^\/categories\/\d+\/items\/\d+/.exec(path) ??
    /^\/(parameters|inputs|derived|downgrades|caps|vetoes|grades|tests|categories)\/\d+/.exec(path) ??
    /^\/bonus\/items\/\d+/.exec(path);
  return m ? m[0] : null;
}

/**
 * A problem's message in one language: the engine writes "中文 / English"; problems from elsewhere
 * may have one language only.
 */
export function messageIn(message: string, lang: 'zh' | 'en'): string {
  const i = message.indexOf(' / ');
  if (i < 0) return message;
  return lang === 'zh' ? message.slice(0, i) : message.slice(i + 3);
}

/**
 * Inside a formula: the steps from the formula's field down to a problem's place, as operation and
 * 0-based argument (`/…/logic/max/1/-/1` → max, argument 1 → -, argument 1). Empty when the
 * problem is not inside a formula.
 */
export function formulaSteps(path: string): { op: string; arg: number | null }[] {
  const anchor = anchorOf(path);
  if (!/\/(logic|when|applies)$/.test(anchor)) return [];
  const rest = tokens(path).slice(tokens(anchor).length).map(unescapeToken);
  const steps: { op: string; arg: number | null }[] = [];
  for (let i = 0; i < rest.length; i++) {
    const next = rest[i + 1];
    if (next !== undefined && /^\d+$/.test(next)) {
      steps.push({ op: rest[i], arg: Number(next) });
      i++;
    } else steps.push({ op: rest[i], arg: null });
  }
  return steps;
}
