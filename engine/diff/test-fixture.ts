/** A small, valid rule document for the diff tests; each test changes a fresh copy. */
import type { RuleDocument } from '../types.ts';
import { category, documentHead, grades, item } from '../test-fixtures.ts';

export function baseDocument(): RuleDocument {
  return {
    ...documentHead(1, 'diff-test', 2023, { zh: '2023年度考核细则', en: '2023 rules' }, 100),
    inputs: [
      { key: 'pm25', label: { zh: 'PM2.5年均浓度' }, unit: 'μg/m³', type: 'number', min: 0, role: 'actual' },
      {
        key: 'pm25_target',
        label: { zh: 'PM2.5浓度目标' },
        unit: 'μg/m³',
        type: 'number',
        min: 0,
        role: 'target',
      },
      { key: 'good_days', label: { zh: '空气优良天数比率' }, unit: '%', type: 'number', min: 0, max: 100 },
      { key: 'forest', label: { zh: '森林覆盖率' }, unit: '%', type: 'number', min: 0, max: 100 },
      { key: 'task_deduction', label: { zh: '重点任务扣分' }, type: 'number', min: 0, default: 0 },
      { key: 'overdue', label: { zh: '逾期未整改问题数' }, type: 'integer', min: 0, default: 0 },
      {
        key: 'incident',
        label: { zh: '发生特别重大环境事件' },
        type: 'boolean',
        default: false,
        role: 'event',
      },
      { key: 'award', label: { zh: '获国家表彰' }, type: 'boolean', default: false },
      { key: 'satisfaction', label: { zh: '公众满意率' }, unit: '%', type: 'number', min: 0, max: 100 },
    ],
    derived: [
      {
        key: 'pm25_excess',
        label: { zh: 'PM2.5超标量' },
        logic: { max: [0, { '-': [{ var: 'pm25' }, { var: 'pm25_target' }] }] },
      },
    ],
    categories: [
      category('indicators', '主要指标完成情况', 60, [
        item('pm25', '细颗粒物(PM2.5)浓度', 20, {
          max: [0, { '-': [20, { '*': [2, { var: 'pm25_excess' }] }] }],
        }),
        item('good_days', '空气优良天数比率', 20, {
          interp: [
            { var: 'good_days' },
            [
              [70, 0],
              [90, 20],
            ],
          ],
        }),
        item('forest', '森林覆盖率', 20, {
          if: [{ '>=': [{ var: 'forest' }, 45] }, 20, { '*': [{ var: 'forest' }, 0.4] }],
        }),
      ]),
      category('tasks', '重点工作任务落实情况', 30, [
        item('tasks', '重点任务', 30, { '-': [30, { var: 'task_deduction' }] }),
      ]),
      category('satisfaction', '公众满意程度', 10, [
        item('satisfaction', '公众满意率', 10, { '*': [{ var: 'satisfaction' }, 0.1] }),
      ]),
    ],
    bonus: {
      cap: 5,
      items: [{ id: 'award', label: { zh: '国家表彰' }, logic: { if: [{ var: 'award' }, 3, 0] } }],
    },
    downgrades: [
      { id: 'overdue', label: { zh: '未按期完成督察问题整改' }, when: { '>': [{ var: 'overdue' }, 0] } },
      {
        id: 'heavy_overdue',
        label: { zh: '逾期问题超过3个' },
        when: { '>': [{ var: 'overdue' }, 3] },
        levels: 2,
      },
    ],
    caps: [
      {
        id: 'satisfaction_low',
        label: { zh: '满意率低于80%的不得评为优秀' },
        when: { '<': [{ var: 'satisfaction' }, 80] },
        maxGrade: 'good',
      },
    ],
    vetoes: [{ id: 'incident', label: { zh: '发生特别重大环境事件' }, when: { var: 'incident' } }],
    grades: grades(
      ['excellent', { zh: '优秀', en: 'Excellent' }, 90],
      ['good', { zh: '良好', en: 'Good' }, 80],
      ['qualified', { zh: '合格', en: 'Qualified' }, 60],
      ['unqualified', { zh: '不合格', en: 'Unqualified' }, 0],
    ),
    tests: [
      {
        name: 'clean region',
        inputs: { pm25: 30, pm25_target: 34, good_days: 90, forest: 50, satisfaction: 100 },
        expect: { total: 100, grade: 'excellent', vetoes: [], items: { pm25: 20 } },
      },
    ],
  };
}

export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
