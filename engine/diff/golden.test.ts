/**
 * Golden diffs between consecutive years of the sample rule family. Every expected line was checked
 * by reading the two documents (and against an independent field-by-field comparison of the JSON).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { diffDocuments, type Change } from './structural.ts';
import type { RuleDocument } from '../types.ts';

const load = (year: number): RuleDocument =>
  JSON.parse(
    readFileSync(
      fileURLToPath(new URL(`../../rules/jilin-eco-target/${year}.json`, import.meta.url)),
      'utf8',
    ),
  );

const show = (v: unknown) => JSON.stringify(v ?? null);

/** One line per change: kind, target, id, category, then every field as `field: from → to`. */
function summarize(c: Change): string {
  const head = `${c.kind} ${c.target} ${c.id}${c.category ? ` @${c.category}` : ''}`;
  const fields = (c.fields ?? []).map(
    (f) => `${f.field}: ${f.fromText ?? show(f.from)} → ${f.toText ?? show(f.to)}`,
  );
  return [head, ...fields].join(' | ');
}

const golden: [number, number, string[]][] = [
  [
    2021,
    2022,
    [
      'changed document year | year: 2021 → 2022',
      'changed document title | title.zh: "2021年度市(州)政府、长白山管委会、省扩权强县试点市政府生态环境保护目标责任制考核细则（示例）" → "2022年度市(州)政府、长白山管委会、省扩权强县试点市政府生态环境保护目标责任制考核细则（示例）" | title.en: "2021 scoring rules of the government ecological-environment-protection target responsibility system (cities and prefectures, the Changbai Mountain committee, pilot county-level cities) — illustrative" → "2022 scoring rules of the government ecological-environment-protection target responsibility system (cities and prefectures, the Changbai Mountain committee, pilot county-level cities) — illustrative"',
      'changed parameter groundwater_deduction | value: 0.2 → 0.1',
      'added input black_odorous_rate',
      'added input black_odorous_target',
      'changed item water_bad @indicators | maxPoints: 3 → 2 | logic: if water_bad_rate ≤ water_bad_target then 3 else 0 → if water_bad_rate ≤ water_bad_target then 2 else 0 | rubric.forLogic: "5907f949ed3c1cd907110873f897e63669637bd1439ba19fed6b592a2cb7bc66" → "5d43f61aa9dd73995551aa1ca590d4c9d28a78fe64021ef6be96c5400bddcdd7"',
      'changed item groundwater @indicators | maxPoints: 2 → 1 | logic: clamp(2 − groundwater_deduction × (groundwater_v_rate − groundwater_v_target), 0, 2) → clamp(1 − groundwater_deduction × (groundwater_v_rate − groundwater_v_target), 0, 1) | note: "每超过目标1个百分点扣0.2分,扣完为止" → "每超过目标1个百分点扣0.1分,扣完为止" | rubric.forLogic: "539d48ab2a34149e1adabaf3114520a1d9563d6ad3ea166a40182f2b09c0ec35" → "06f1f7c645c04304c1aca1a5e65608900bfbdd6560d99984ebe7499e29f40ce2" | rubric.zh: "每超过目标1个百分点扣0.2分,扣完为止" → "每超过目标1个百分点扣0.1分,扣完为止"',
      'added item black_odorous @indicators',
      'changed test 基本达标地区 clean region: small shortfalls, no events | inputs.black_odorous_rate: null → 100 | inputs.black_odorous_target: null → 90',
      'added test 否决项 veto: {"data_fraud":true} makes the result 不合格 whatever the score',
      'changed test 降档项 downgrade: two inspection findings overdue (−2 points, one grade down) | inputs.black_odorous_rate: null → 100 | inputs.black_odorous_target: null → 90',
      "changed test 封顶 cap: satisfaction 78% (below 80%), not excellent; lower than last year's 81%: −1 | inputs.black_odorous_rate: null → 100 | inputs.black_odorous_target: null → 90",
      'changed test 加分项 bonus: 7 bonus points capped at 5 lift a 良好 score to 优秀 | inputs.black_odorous_rate: null → 100 | inputs.black_odorous_target: null → 90',
      'added test 重大事件2022年不否决; 黑臭水体完成80% a major incident is no veto before 2023; black-odorous 72 of 90',
      'removed test 否决项 veto: {"incident_level":"extraordinary"} makes the result 不合格 whatever the score',
      'removed test PM2.5未达标且不降反升 PM2.5 missed its target and rose: the item scores 0; a binding indicator missed: one grade down',
    ],
  ],
  [
    2022,
    2023,
    [
      'changed document year | year: 2022 → 2023',
      'changed document title | title.zh: "2022年度市(州)政府、长白山管委会、省扩权强县试点市政府生态环境保护目标责任制考核细则（示例）" → "2023年度市(州)政府、长白山管委会、省扩权强县试点市政府生态环境保护目标责任制考核细则（示例）" | title.en: "2022 scoring rules of the government ecological-environment-protection target responsibility system (cities and prefectures, the Changbai Mountain committee, pilot county-level cities) — illustrative" → "2023 scoring rules of the government ecological-environment-protection target responsibility system (cities and prefectures, the Changbai Mountain committee, pilot county-level cities) — illustrative"',
      'changed item good_days @indicators | maxPoints: 6 → 5 | logic: max(0, 6 − good_days_deduction × good_days_shortfall) → max(0, 5 − good_days_deduction × good_days_shortfall) | rubric.forLogic: "45f1fd29f3d59078d2fe8ee321db57c6cf3df744434623cc25cc7be4a9919a7c" → "cd316fa2284371dd96509408395c86f58862e4488f31ac79ced056d8eca9949a"',
      'changed item pm25 @indicators | maxPoints: 6 → 7 | logic: if pm25_rose and pm25_excess > 0 then 0 else max(0, 6 − pm25_deduction × pm25_excess) → if pm25_rose and pm25_excess > 0 then 0 else max(0, 7 − pm25_deduction × pm25_excess) | rubric.forLogic: "df373566a388653ffbb44c5212be1a39423ec38be78181a3b00e3fd265620831" → "47e29fe9725609618dde03fe0ca597ba6f054c0848e6f5a663eac4115d73412f"',
      'changed item inspection @tasks | maxPoints: 6 → 7 | logic: max(0, 6 − (inspection_deduction × inspection_overdue + complaint_deduction × complaints_overdue)) → max(0, 7 − (inspection_deduction × inspection_overdue + complaint_deduction × complaints_overdue)) | rubric.forLogic: "90bf795208a6074f7988a6d5cf91a1800a40ffc684e6a9a320e7e86bf34093d6" → "47823e3a8857de1b412b7cb25f930e43d3ab503e56286689753678ea2fef0cb4"',
      'changed item governance_tasks @tasks | maxPoints: 2 → 1 | logic: max(0, 2 − task_deduction × governance_task_shortfalls) → max(0, 1 − task_deduction × governance_task_shortfalls) | rubric.forLogic: "83d13d8c0c064005d95051ad0f9a5365c729e0e948fd8b0f27d8a28546344f84" → "06280d3537c20c870c0bcc814bf628423a3b9edd4795c6ecabc782b99c6fd297"',
      'added veto serious_incident',
      'changed test 基本达标地区 clean region: small shortfalls, no events | expect.items.good_days: 6 → 5 | expect.items.pm25: 6 → 7',
      'added test 否决项 veto: {"incident_level":"major"} makes the result 不合格 whatever the score',
      'changed test 降档项 downgrade: two inspection findings overdue (−2 points, one grade down) | expect.items.inspection: 4 → 5',
      'changed test 加分项 bonus: 7 bonus points capped at 5 lift a 良好 score to 优秀 | expect.items.good_days: 6 → 5',
      'added test PM2.5超标4 (7分档) and two complaints overdue: points moved to pm25 and inspection; a binding indicator missed: one grade down',
      'removed test 否决项 veto: {"data_fraud":true} makes the result 不合格 whatever the score',
      'removed test 重大事件2022年不否决; 黑臭水体完成80% a major incident is no veto before 2023; black-odorous 72 of 90',
    ],
  ],
  [
    2023,
    2024,
    [
      'changed document year | year: 2023 → 2024',
      'changed document title | title.zh: "2023年度市(州)政府、长白山管委会、省扩权强县试点市政府生态环境保护目标责任制考核细则（示例）" → "2024年度市(州)政府、长白山管委会、省扩权强县试点市政府生态环境保护目标责任制考核细则（示例）" | title.en: "2023 scoring rules of the government ecological-environment-protection target responsibility system (cities and prefectures, the Changbai Mountain committee, pilot county-level cities) — illustrative" → "2024 scoring rules of the government ecological-environment-protection target responsibility system (cities and prefectures, the Changbai Mountain committee, pilot county-level cities) — illustrative"',
      'changed parameter drinking_water_deduction | value: 0.5 → 1',
      'changed parameter satisfaction_excellent_min | value: 80 → 85',
      'changed item pm25 @indicators | logic: if pm25_rose and pm25_excess > 0 then 0 else max(0, 7 − pm25_deduction × pm25_excess) → if pm25_rose then 0 else max(0, 7 − pm25_deduction × pm25_excess) | note: "每超过目标1μg/m³扣0.5分,扣完为止;未达到目标且浓度较上年不降反升的,本项不得分(约束性指标)" → "每超过目标1μg/m³扣0.5分,扣完为止;浓度较上年不降反升的,本项不得分(约束性指标)" | rubric.forLogic: "47e29fe9725609618dde03fe0ca597ba6f054c0848e6f5a663eac4115d73412f" → "0dd4563d31bb687a62a0698c26b07b5bb599b525cfbe7f92b0f648e65fafc5db" | rubric.zh: "每超过目标1μg/m³扣0.5分,扣完为止;未达到目标且浓度较上年不降反升的,本项不得分(约束性指标)" → "每超过目标1μg/m³扣0.5分,扣完为止;浓度较上年不降反升的,本项不得分(约束性指标)"',
      'changed item drinking_water @indicators | note: "达标比例100%得满分,每降低1个百分点扣0.5分,扣完为止(低于90%不得分)" → "达标比例100%得满分,每降低1个百分点扣1分,扣完为止(低于95%不得分)" | rubric.zh: "达标比例100%得满分,每降低1个百分点扣0.5分,扣完为止(低于90%不得分)" → "达标比例100%得满分,每降低1个百分点扣1分,扣完为止(低于95%不得分)"',
      'changed cap satisfaction_low | label.zh: "公众满意率低于80%的,不得评为优秀" → "公众满意率低于85%的,不得评为优秀" | label.en: "Satisfaction below 80%: not excellent" → "Satisfaction below 85%: not excellent"',
      'added test 否决项 veto: {"incident_level":"extraordinary"} makes the result 不合格 whatever the score',
      'added test 降档项 downgrade: 劣Ⅴ类水体比例 above target misses a binding indicator: item 0 and one grade down',
      "added test 封顶 cap: satisfaction 83% is below the raised 85% line, not excellent; lower than last year's 86%: −1",
      'added test PM2.5达标但不降反升也不得分; 饮用水97% PM2.5 met but rose: 0; drinking water 97%: 2 points',
      'removed test 否决项 veto: {"incident_level":"major"} makes the result 不合格 whatever the score',
      'removed test 降档项 downgrade: two inspection findings overdue (−2 points, one grade down)',
      "removed test 封顶 cap: satisfaction 78% (below 80%), not excellent; lower than last year's 81%: −1",
      'removed test PM2.5超标4 (7分档) and two complaints overdue: points moved to pm25 and inspection; a binding indicator missed: one grade down',
    ],
  ],
  [
    2024,
    2025,
    [
      'changed document year | year: 2024 → 2025',
      'changed document title | title.zh: "2024年度市(州)政府、长白山管委会、省扩权强县试点市政府生态环境保护目标责任制考核细则（示例）" → "2025年度市(州)政府、长白山管委会、省扩权强县试点市政府生态环境保护目标责任制考核细则（示例）" | title.en: "2024 scoring rules of the government ecological-environment-protection target responsibility system (cities and prefectures, the Changbai Mountain committee, pilot county-level cities) — illustrative" → "2025 scoring rules of the government ecological-environment-protection target responsibility system (cities and prefectures, the Changbai Mountain committee, pilot county-level cities) — illustrative"',
      'removed parameter non_fossil_tolerance',
      'removed input non_fossil_share',
      'removed input non_fossil_target',
      'changed item co2 @indicators | maxPoints: 4 → 5 | logic: if co2_reduction_target ≤ 0 then 4 else clamp(4 × co2_reduction ÷ co2_reduction_target, 0, 4) → if co2_reduction_target ≤ 0 then 5 else clamp(5 × co2_reduction ÷ co2_reduction_target, 0, 5) | rubric.forLogic: "dda61927eb345d12a48a234284d98e6c2920c2f6e3bdc6629964c392b7a8f49c" → "684564d433e029d3aba3b1df71de85b0bdf4ced8c270ad6b7817a5c965b5d02d"',
      'changed item energy @indicators | maxPoints: 4 → 5 | logic: if energy_reduction_target ≤ 0 then 4 else clamp(4 × energy_reduction ÷ energy_reduction_target, 0, 4) → if energy_reduction_target ≤ 0 then 5 else clamp(5 × energy_reduction ÷ energy_reduction_target, 0, 5) | rubric.forLogic: "5bf563a5985d6f9b6ec1690f5bd9054ac15fffb6167732afcfaa7fa5570d515c" → "515467f698214be87a030c02d106d5d6915d1e969ce40f87c6a3a80fc48e067e"',
      'removed item non_fossil @indicators',
      'changed test 基本达标地区 clean region: small shortfalls, no events | inputs.non_fossil_share: 12 → null | inputs.non_fossil_target: 11 → null',
      'added test 否决项 veto: {"incident_level":"major"} makes the result 不合格 whatever the score',
      'added test 降档项 downgrade: two inspection findings overdue (−2 points, one grade down)',
      'added test 封顶 cap: a major petition, not excellent',
      'changed test 加分项 bonus: 7 bonus points capped at 5 lift a 良好 score to 优秀 | inputs.non_fossil_share: 12 → null | inputs.non_fossil_target: 11 → null',
      'added test 降档项 max: overdue inspection and a missed binding target (劣Ⅴ类) trigger the one 降档项, one grade down',
      'removed test 否决项 veto: {"incident_level":"extraordinary"} makes the result 不合格 whatever the score',
      'removed test 降档项 downgrade: 劣Ⅴ类水体比例 above target misses a binding indicator: item 0 and one grade down',
      "removed test 封顶 cap: satisfaction 83% is below the raised 85% line, not excellent; lower than last year's 86%: −1",
      'removed test PM2.5达标但不降反升也不得分; 饮用水97% PM2.5 met but rose: 0; drinking water 97%: 2 points',
    ],
  ],
];

describe('golden diffs of the sample years', () => {
  test.each(golden)('%i → %i', (from, to, expected) => {
    expect(diffDocuments(load(from), load(to)).changes.map(summarize)).toEqual(expected);
  });

  test.each([2021, 2022, 2023, 2024, 2025])('%i against itself: no changes', (year) => {
    expect(diffDocuments(load(year), load(year)).changes).toEqual([]);
  });

  test('the reverse diff swaps added and removed, from and to', () => {
    const forward = diffDocuments(load(2024), load(2025)).changes;
    const backward = diffDocuments(load(2025), load(2024)).changes;
    const flip = { added: 'removed', removed: 'added', changed: 'changed' } as const;
    const key = (c: Change) => `${c.kind} ${c.target} ${c.id}`;
    expect(backward.map(key).sort()).toEqual(forward.map((c) => key({ ...c, kind: flip[c.kind] })).sort());
    for (const c of forward.filter((c) => c.kind === 'changed')) {
      const back = backward.find((b) => b.target === c.target && b.id === c.id)!;
      expect(back.fields!.map((f) => [f.field, f.to, f.from])).toEqual(
        c.fields!.map((f) => [f.field, f.from, f.to]),
      );
    }
  });

  test('any shuffle of every list of a sample document is no change', () => {
    const doc = load(2025);
    const shuffled = (seed: number) => {
      let s = seed;
      const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
      const shuffle = <T>(xs: T[]): T[] => {
        const out = [...xs];
        for (let i = out.length - 1; i > 0; i--) {
          const j = Math.floor(rand() * (i + 1));
          [out[i], out[j]] = [out[j], out[i]];
        }
        return out;
      };
      const d = structuredClone(doc);
      d.inputs = shuffle(d.inputs);
      d.derived = shuffle(d.derived ?? []);
      d.categories = shuffle(d.categories).map((c) => ({ ...c, items: shuffle(c.items) }));
      d.bonus = d.bonus && { ...d.bonus, items: shuffle(d.bonus.items ?? []) };
      d.downgrades = shuffle(d.downgrades ?? []);
      d.caps = shuffle(d.caps ?? []);
      d.vetoes = shuffle(d.vetoes ?? []);
      d.tests = shuffle(d.tests ?? []);
      return d;
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        (seed) => diffDocuments(doc, shuffled(seed)).changes.length === 0,
      ),
      { numRuns: 50 },
    );
  });
});
