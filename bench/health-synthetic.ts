/**
 * A 60-item synthetic rule document for the health benchmark: the items of bench/synthetic.ts
 * (120 inputs), with three downgrades, two caps and two vetoes.
 */
import type { RuleDocument } from '../engine/types.ts';
import { SYNTHETIC_GRADES, syntheticItems } from './synthetic.ts';

export function healthSyntheticDocument(): RuleDocument {
  const label = (zh: string) => ({ zh });
  const v = (key: string) => ({ var: key });
  const { inputs, derived, categories } = syntheticItems();
  inputs.push(
    { key: 'awards', label: label('表彰'), type: 'integer', min: 0, default: 0, role: 'assessment' },
    { key: 'models', label: label('示范'), type: 'integer', min: 0, default: 0, role: 'assessment' },
    { key: 'overdue', label: label('逾期整改'), type: 'integer', min: 0, default: 0, role: 'assessment' },
    { key: 'binding', label: label('约束性指标未完成'), type: 'integer', min: 0, default: 0, role: 'event' },
    {
      key: 'incident',
      label: label('事件'),
      type: 'string',
      enum: ['none', 'general', 'major'],
      default: 'none',
      role: 'event',
    },
    { key: 'fraud', label: label('造假'), type: 'boolean', default: false, role: 'event' },
    { key: 'petition', label: label('重大信访'), type: 'boolean', default: false, role: 'event' },
  );
  return {
    schemaVersion: 1,
    family: 'bench-health',
    year: 2025,
    title: label('体检基准合成细则（60项）'),
    maxScore: 100,
    precision: 2,
    inputs,
    derived,
    categories,
    bonus: {
      cap: 5,
      items: [
        { id: 'awards', label: label('表彰'), logic: { '*': [2, v('awards')] } },
        { id: 'models', label: label('示范'), logic: v('models') },
      ],
    },
    downgrades: [
      { id: 'overdue', label: label('逾期整改'), when: { '>': [v('overdue'), 0] }, levels: 1 },
      { id: 'binding', label: label('约束性指标'), when: { '>': [v('binding'), 0] }, levels: 1 },
      {
        id: 'x1_missed',
        label: label('指标1未达标'),
        when: { '<': [v('x1'), { '-': [v('x1_target'), 10] }] },
        levels: 1,
      },
    ],
    caps: [
      { id: 'low_x0', label: label('指标0过低'), when: { '<': [v('x0'), 40] }, maxGrade: 'good' },
      { id: 'petition', label: label('重大信访'), when: v('petition'), maxGrade: 'good' },
    ],
    vetoes: [
      { id: 'incident', label: label('重大事件'), when: { in: [v('incident'), ['major']] } },
      { id: 'fraud', label: label('造假'), when: v('fraud') },
    ],
    grades: SYNTHETIC_GRADES,
  };
}
