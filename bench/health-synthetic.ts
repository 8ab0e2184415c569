/**
 * A 60-item synthetic rule document for the health benchmark: the scoring patterns of the sample
 * documents (shortfall deductions, ratio to target, step thresholds, interp, rounding), 120
 * inputs, three downgrades, two caps and two vetoes.
 */
import type { RuleDocument } from '../engine/types.ts';

export function healthSyntheticDocument(): RuleDocument {
  const label = (zh: string) => ({ zh });
  const v = (key: string) => ({ var: key });
  const inputs: RuleDocument['inputs'] = [];
  const derived: NonNullable<RuleDocument['derived']> = [];
  const parts: [string, number, number][] = [
    ['indicators', 60, 36],
    ['tasks', 25, 14],
    ['funding', 10, 6],
    ['satisfaction', 5, 4],
  ];
  let n = 0;
  const categories = parts.map(([id, max, count]) => {
    const each = Math.floor((max / count) * 100) / 100;
    const items = Array.from({ length: count }, (_, k) => {
      const i = n++;
      const points = k === count - 1 ? Math.round((max - each * (count - 1)) * 100) / 100 : each;
      const a = `x${i}`;
      const t = `x${i}_target`;
      inputs.push({ key: a, label: label(`指标${i}`), type: 'number', min: 0, max: 100, role: 'actual' });
      inputs.push({ key: t, label: label(`指标${i}目标`), type: 'number', min: 0, max: 100, role: 'target' });
      let logic: unknown;
      switch (i % 6) {
        case 0:
          derived.push({
            key: `d${i}`,
            label: label(`差距${i}`),
            logic: { max: [0, { '-': [v(t), v(a)] }] },
          });
          logic = { max: [0, { '-': [points, { '*': [0.25, v(`d${i}`)] }] }] };
          break;
        case 1:
          logic = {
            if: [
              { '<=': [v(t), 0] },
              points,
              { clamp: [{ '/': [{ '*': [points, v(a)] }, v(t)] }, 0, points] },
            ],
          };
          break;
        case 2:
          logic = {
            if: [{ '>=': [v(a), v(t)] }, points, { '>=': [v(a), { '-': [v(t), 3] }] }, points / 2, 0],
          };
          break;
        case 3:
          logic = {
            interp: [
              { '-': [v(a), v(t)] },
              [
                [-10, 0],
                [0, points],
              ],
            ],
          };
          break;
        case 4:
          logic = { round: [{ '/': [{ '*': [points, v(a)] }, 100] }, 1] };
          break;
        default:
          logic = { max: [0, { '-': [points, { '*': [0.5, { max: [0, { '-': [v(t), v(a)] }] }] }] }] };
      }
      return { id: `item${i}`, label: label(`考核项${i}`), maxPoints: points, logic: logic as never };
    });
    return { id, label: label(id), maxPoints: max, items };
  });
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
    grades: [
      { id: 'excellent', label: label('优秀'), min: 90 },
      { id: 'good', label: label('良好'), min: 80 },
      { id: 'qualified', label: label('合格'), min: 60 },
      { id: 'unqualified', label: label('不合格'), min: 0 },
    ],
  };
}
