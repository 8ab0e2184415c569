/** Rule documents for the health-check tests: one with a flaw of every kind, each proven by hand. */
import type { RuleDocument } from '../types.ts';
import { category, documentHead, grades, item } from '../test-fixtures.ts';

/**
 * - item `capped` (10 points) is min(8, rate/10): never its 10 points, at most 8;
 * - item `zero` pays only when rate > 200, but rate ≤ 100: always 0 (and never its max);
 * - item `full` is max(5, rate): always its 5 points;
 * - veto `never` needs rate > 150: never fires; downgrade `always` is overdue ≥ 0: always fires;
 * - grade `excellent` needs 99, but at most 8 + 0 + 5 + 80 = 93 can be scored;
 * - downgrades `always` and `missed`, and the cap `unhappy`, can fire together.
 */
export function flawedDocument(): RuleDocument {
  return {
    ...documentHead(1, 'health-test', 2025, '体检测试细则', 100),
    inputs: [
      { key: 'rate', label: { zh: '达标率' }, type: 'number', min: 0, max: 100, role: 'actual' },
      { key: 'target', label: { zh: '达标率目标' }, type: 'number', min: 0, max: 100, role: 'target' },
      {
        key: 'overdue',
        label: { zh: '逾期问题数' },
        type: 'integer',
        min: 0,
        default: 0,
        role: 'assessment',
      },
      { key: 'incident', label: { zh: '重大事件' }, type: 'boolean', default: false, role: 'event' },
      { key: 'satisfaction', label: { zh: '满意率' }, type: 'number', min: 0, max: 100, role: 'assessment' },
    ],
    categories: [
      category('main', '主要指标', 100, [
        item('capped', '封顶项', 10, { min: [8, { '/': [{ var: 'rate' }, 10] }] }),
        item('zero', '零分项', 5, { if: [{ '>': [{ var: 'rate' }, 200] }, 5, 0] }),
        item('full', '满分项', 5, { max: [5, { var: 'rate' }] }),
        item('ok', '正常项', 80, {
          interp: [
            { var: 'rate' },
            [
              [0, 0],
              [100, 80],
            ],
          ],
        }),
      ]),
    ],
    vetoes: [
      { id: 'never', label: { zh: '不可能的否决' }, when: { '>': [{ var: 'rate' }, 150] } },
      { id: 'incident', label: { zh: '重大事件否决' }, when: { var: 'incident' } },
    ],
    downgrades: [
      { id: 'always', label: { zh: '总会降档' }, when: { '>=': [{ var: 'overdue' }, 0] } },
      { id: 'missed', label: { zh: '未达目标' }, when: { '<': [{ var: 'rate' }, { var: 'target' }] } },
    ],
    caps: [
      {
        id: 'unhappy',
        label: { zh: '满意率低' },
        when: { '<': [{ var: 'satisfaction' }, 80] },
        maxGrade: 'good',
      },
    ],
    grades: grades(
      ['excellent', '优秀', 99],
      ['good', '良好', 80],
      ['qualified', '合格', 60],
      ['unqualified', '不合格', 0],
    ),
  };
}
