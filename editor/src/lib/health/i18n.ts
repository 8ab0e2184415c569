/**
 * Messages of the 规则体检 panel, the test coverage and the 整改路径 card, in the shell's current
 * language (`i18n.locale`).
 */
import { i18n } from '../i18n/index.svelte.ts';

const zh = {
  tab: '体检',
  title: '规则体检',
  intro: '在文档允许的全部输入上证明：考核项能否得满分、否决/降档/封顶能否触发、等级能否达到。',
  live: '即时（区间分析）',
  liveNote: '输入时即时运行的区间分析只报告已证明的问题；完整体检还会搜索并由计分引擎验证示例输入。',
  full: '完整体检',
  running: '体检中…',
  rerun: '重新体检',
  stale: '文档已修改，结果可能过时',
  invalid: '文档有校验问题，修正后才能体检。',
  none: '未发现问题。',
  unknown: '未能判定 {count} 项（既未证明也未找到反例）',
  info: '提示',
  problem: '问题',
  jump: '定位',
  witness: '示例输入（已由计分引擎验证）',
  addTest: '添加为测试',
  added: '已添加测试',
  testName: '体检：{a} 与 {b} 同时触发',
  'code.item_max_unreachable': '满分不可达',
  'code.item_always_zero': '总是 0 分',
  'code.item_always_max': '总是满分',
  'code.veto_never_fires': '否决项永不触发',
  'code.downgrade_never_fires': '降档项永不触发',
  'code.cap_never_fires': '封顶项永不触发',
  'code.veto_always_fires': '否决项总会触发',
  'code.downgrade_always_fires': '降档项总会触发',
  'code.cap_always_fires': '封顶项总会触发',
  'code.grade_unreachable': '等级不可达',
  'code.conditions_overlap': '条件可同时触发',
  coverage: '测试覆盖',
  'coverage.tests': '{count} 个测试',
  'coverage.items': '考核项（有预期分值）',
  'coverage.branches': 'if 分支',
  'coverage.conditions': '否决 / 降档 / 封顶（触发过）',
  'coverage.uncovered': '未覆盖',
  'coverage.all': '全部覆盖。',
  'coverage.failed': '无法计分的测试：{names}',
  'path.title': '整改路径',
  'path.to': '目标等级',
  'path.loading': '计算中…',
  'path.reached': '已达到该等级，无需调整。',
  'path.changes': '把以下实际值调整为：',
  'path.result': '调整后总分 {total}（已由计分引擎验证），等级：',
  'path.unreachable': '仅调整实际值无法达到该等级：',
  'path.fixed': '不受实际值影响',
  'path.note':
    '只调整“实际值”类数据，且不超出其允许范围；目标、事件和评估结果不变。先求改动项最少，再求改动幅度最小。',
  'path.input': '数据项',
  'path.from': '现值',
  'path.toValue': '调整为',
} as const;

export type HealthKey = keyof typeof zh;

const en: Record<HealthKey, string> = {
  tab: 'Health',
  title: 'Rule health check',
  intro:
    'Proven over every input the document allows: can each item reach its points, can each veto, downgrade and cap fire, can each grade be reached.',
  live: 'Live (interval analysis)',
  liveNote:
    'The interval analysis that runs as you type reports only what it proves; the full check also searches for example inputs and has the engine confirm them.',
  full: 'Full check',
  running: 'Checking…',
  rerun: 'Check again',
  stale: 'The document changed since: the result may be out of date',
  invalid: 'The document has validation problems: fix them to check it.',
  none: 'No finding.',
  unknown: '{count} properties undecided (neither proven nor refuted)',
  info: 'Note',
  problem: 'Finding',
  jump: 'Show',
  witness: 'Example inputs (confirmed by the engine)',
  addTest: 'Add as a test',
  added: 'Test added',
  testName: 'Health check: {a} and {b} fire together',
  'code.item_max_unreachable': 'Full points unreachable',
  'code.item_always_zero': 'Always 0 points',
  'code.item_always_max': 'Always full points',
  'code.veto_never_fires': 'Veto never fires',
  'code.downgrade_never_fires': 'Downgrade never fires',
  'code.cap_never_fires': 'Cap never fires',
  'code.veto_always_fires': 'Veto always fires',
  'code.downgrade_always_fires': 'Downgrade always fires',
  'code.cap_always_fires': 'Cap always fires',
  'code.grade_unreachable': 'Grade unreachable',
  'code.conditions_overlap': 'Can fire together',
  coverage: 'Test coverage',
  'coverage.tests': '{count} tests',
  'coverage.items': 'Items (points expected)',
  'coverage.branches': 'if branches',
  'coverage.conditions': 'Vetoes / downgrades / caps (fired)',
  'coverage.uncovered': 'Not covered',
  'coverage.all': 'Everything covered.',
  'coverage.failed': 'Tests that cannot be scored: {names}',
  'path.title': 'Path to a better grade',
  'path.to': 'Grade to reach',
  'path.loading': 'Searching…',
  'path.reached': 'Already at this grade: nothing to change.',
  'path.changes': 'Change these actual values to:',
  'path.result': 'Total afterwards {total} (confirmed by the engine), grade:',
  'path.unreachable': 'Changing actual values alone cannot reach this grade:',
  'path.fixed': 'no actual value changes it',
  'path.note':
    'Only actual-role values change, each within its allowed range; targets, events and assessments stay. Fewest values first, then the smallest changes.',
  'path.input': 'Value',
  'path.from': 'Now',
  'path.toValue': 'Change to',
};

/** The health message for `key` in the current language, `{name}` placeholders filled. */
export function th(key: HealthKey, params?: Record<string, string | number>): string {
  const text = (i18n.locale === 'en' ? en : zh)[key] ?? zh[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
