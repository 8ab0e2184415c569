import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RuleDocument } from '../types.ts';
import { testProblems } from './run.ts';

const sample = (): RuleDocument =>
  JSON.parse(readFileSync(new URL('../../rules/jilin-eco-target/2024.json', import.meta.url), 'utf8'));

describe('test failures name grades, items and conditions by their labels', () => {
  it('says 最终等级预期「良好」，实际「优秀」, never the ids', () => {
    const doc = sample();
    doc.tests![0].expect.grade = 'good';
    doc.tests![0].expect.items = { ...doc.tests![0].expect.items, good_days: 1 };
    doc.tests![0].expect.vetoes = ['nonexistent_veto'];
    const messages = testProblems(doc).map((p) => p.message);
    const name = doc.tests![0].name;
    expect(messages).toContain(
      `测试“${name}”未通过：最终等级预期「良好」，实际「优秀」。 / Test "${name}" failed: final grade expected "Good", got "Excellent".`,
    );
    expect(messages.some((m) => m.includes('指标「城市空气质量优良天数比率」得分预期1，实际5'))).toBe(true);
    // An id the document does not know is shown as it is.
    expect(messages.some((m) => m.includes('触发的否决项预期「nonexistent_veto」，实际无'))).toBe(true);
    expect(messages.join(' ').includes('"excellent"')).toBe(false);
  });
});
