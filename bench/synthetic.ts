/**
 * The bench's synthetic data: a realistic 60-item document (4 categories, 120 inputs, derived
 * values, bonus items, conditions) and 12 regions for it.
 */
import { validateDocument, type Dataset, type RegionData, type RuleDocument } from '../engine/index.ts';
import { mulberry32 } from '../engine/sensitivity/prng.ts';

/**
 * The 60 items both synthetic documents share (this one and bench/health-synthetic.ts), in four
 * categories of 60, 25, 10 and 5 points: the scoring patterns of the sample documents (shortfall
 * deductions, ratio to target, step thresholds, interp, rounding) over 120 inputs (an actual and a
 * target each), and the derived values some of them read.
 */
export function syntheticItems(): {
  inputs: RuleDocument['inputs'];
  derived: NonNullable<RuleDocument['derived']>;
  categories: RuleDocument['categories'];
} {
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
  return { inputs, derived, categories };
}

/** The four grades of both synthetic documents. */
export const SYNTHETIC_GRADES: RuleDocument['grades'] = [
  { id: 'excellent', label: { zh: '优秀' }, min: 90 },
  { id: 'good', label: { zh: '良好' }, min: 80 },
  { id: 'qualified', label: { zh: '合格' }, min: 60 },
  { id: 'unqualified', label: { zh: '不合格' }, min: 0 },
];

/** A realistic 60-item document: 4 categories, 120 inputs, derived values, bonus, conditions. */
export function syntheticDocument(): RuleDocument {
  const label = (zh: string) => ({ zh });
  const { inputs, derived, categories } = syntheticItems();
  inputs.push(
    { key: 'awards', label: label('表彰'), type: 'integer', min: 0, default: 0, role: 'assessment' },
    { key: 'models', label: label('示范'), type: 'integer', min: 0, default: 0, role: 'assessment' },
    { key: 'overdue', label: label('逾期整改'), type: 'integer', min: 0, default: 0, role: 'assessment' },
    {
      key: 'incident',
      label: label('事件'),
      type: 'string',
      enum: ['none', 'general', 'major'],
      default: 'none',
      role: 'event',
    },
    { key: 'fraud', label: label('造假'), type: 'boolean', default: false, role: 'event' },
  );
  const doc: RuleDocument = {
    schemaVersion: 1,
    family: 'bench-synthetic',
    year: 2025,
    title: label('基准测试用合成细则（60项）'),
    maxScore: 100,
    precision: 2,
    inputs,
    derived,
    categories,
    bonus: {
      cap: 5,
      items: [
        { id: 'awards', label: label('表彰'), logic: { '*': [2, { var: 'awards' }] } },
        { id: 'models', label: label('示范'), logic: { var: 'models' } },
      ],
    },
    downgrades: [
      { id: 'overdue', label: label('逾期整改'), when: { '>': [{ var: 'overdue' }, 0] }, levels: 1 },
    ],
    caps: [{ id: 'low_x0', label: label('指标0过低'), when: { '<': [{ var: 'x0' }, 40] }, maxGrade: 'good' }],
    vetoes: [
      { id: 'incident', label: label('重大事件'), when: { in: [{ var: 'incident' }, ['major']] } },
      { id: 'fraud', label: label('造假'), when: { var: 'fraud' } },
    ],
    grades: SYNTHETIC_GRADES,
  };
  const problems = validateDocument(doc, { runTests: false });
  if (problems.length) throw new Error(`synthetic document invalid: ${JSON.stringify(problems.slice(0, 3))}`);
  return doc;
}

/**
 * 12 regions for the synthetic document: targets 50–90, results around them, a few flags. Their
 * values are built key by key, which leaves objects of this many keys in V8's dictionary mode —
 * as the data that engine/dataset/parse.ts reads from CSV and spreadsheets — where reading the
 * values costs about ten times what it costs on JSON-parsed (or spread) objects, the 3,000 regions'.
 */
export function syntheticData(doc: RuleDocument, seed: number): Dataset {
  const rnd = mulberry32(seed);
  const regions: RegionData[] = Array.from({ length: 12 }, (_, r) => {
    const values: Record<string, unknown> = {};
    for (const input of doc.inputs) {
      if (!input.key.endsWith('_target')) continue;
      const actual = input.key.slice(0, -'_target'.length);
      const target = Math.round((50 + 40 * rnd()) * 100) / 100;
      values[actual] = Math.round(Math.min(100, target * (0.85 + 0.25 * rnd())) * 100) / 100;
      values[input.key] = target;
    }
    values.awards = r % 5 === 0 ? 2 : 0;
    values.models = r % 4 === 0 ? 1 : 0;
    values.overdue = r === 3 ? 1 : 0;
    values.incident = r === 7 ? 'major' : 'none';
    values.fraud = false;
    return { code: `T${r + 1}`, name: `测试地区${r + 1}`, values };
  });
  return { year: doc.year, regions };
}
