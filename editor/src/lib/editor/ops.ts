/**
 * The operations formulas may use (the engine's table, ALLOWED_OPERATIONS), with a short
 * description and an insertable template each, for completion and the operation reference.
 */
import { ALLOWED_OPERATIONS } from '$engine/index.ts';

export interface OperationInfo {
  op: string;
  zh: string;
  en: string;
  /** CodeMirror snippet template: `${name}` fields are tab stops. */
  template: string;
}

const INFO: Record<string, { zh: string; en: string; args?: string }> = {
  var: { zh: '读取输入项或派生值', en: 'read an input or derived value', args: '"${key}"' },
  missing: { zh: '列出缺失的变量', en: 'list the missing variables', args: '["${key}"]' },
  missing_some: { zh: '至少 n 个变量存在', en: 'at least n variables present', args: '[${n}, ["${key}"]]' },
  if: {
    zh: '条件：如果…则…否则…',
    en: 'condition: if … then … else …',
    args: '[${condition}, ${then}, ${else}]',
  },
  '?:': { zh: '条件（三元）', en: 'ternary condition', args: '[${condition}, ${then}, ${else}]' },
  '==': { zh: '等于', en: 'equals' },
  '===': { zh: '严格等于', en: 'strictly equals' },
  '!=': { zh: '不等于', en: 'not equal' },
  '!==': { zh: '严格不等于', en: 'strictly not equal' },
  '!': { zh: '非', en: 'not', args: '[${value}]' },
  '!!': { zh: '转为是/否', en: 'to yes/no', args: '[${value}]' },
  or: { zh: '或', en: 'or' },
  and: { zh: '且', en: 'and' },
  '>': { zh: '大于', en: 'greater than' },
  '>=': { zh: '大于等于', en: 'at least' },
  '<': { zh: '小于', en: 'less than' },
  '<=': { zh: '小于等于', en: 'at most' },
  max: { zh: '最大值', en: 'maximum' },
  min: { zh: '最小值', en: 'minimum' },
  '+': { zh: '加', en: 'plus' },
  '-': { zh: '减', en: 'minus' },
  '*': { zh: '乘', en: 'times' },
  '/': { zh: '除', en: 'divided by' },
  '%': { zh: '取余', en: 'remainder' },
  in: { zh: '包含于', en: 'is in', args: '[${value}, [${list}]]' },
  cat: { zh: '连接文本', en: 'join text' },
  substr: { zh: '截取文本', en: 'substring', args: '[${text}, ${start}, ${length}]' },
  round: { zh: '四舍五入到 n 位小数', en: 'round half away to n decimals', args: '[${x}, ${digits}]' },
  clamp: { zh: '限制在 [下限, 上限] 之间', en: 'limit to [lo, hi]', args: '[${x}, ${lo}, ${hi}]' },
  interp: {
    zh: '分段线性插值，两端之外取端点值',
    en: 'piecewise-linear, flat beyond the ends',
    args: '[${x}, [[${x0}, ${y0}], [${x1}, ${y1}]]]',
  },
};

/** Every allowed operation, in the engine's order. */
export const OPERATIONS: OperationInfo[] = [...ALLOWED_OPERATIONS].map((op) => {
  const info = INFO[op] ?? { zh: op, en: op };
  return { op, zh: info.zh, en: info.en, template: `{"${op}": ${info.args ?? '[${a}, ${b}]'}}` };
});
