/**
 * `npx tsx bench/worst-case.ts`: the most expensive requests we can build inside the limits
 * (README, "Limits"), each run in its own process through the engine pool's task code, reporting
 * wall time, peak RSS and the answer's size. `npx tsx bench/worst-case.ts <scenario>` runs one.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formulasPerRegion, MAX_EVALUATION_CELLS, MAX_STRING_LENGTH } from '../engine/index.ts';
import { evaluateTask, sensitivityTask } from '../server/workers/tasks.ts';
import { manyItemsDocument, sample } from '../test/helpers/hostile.ts';

const data2024 = JSON.parse(readFileSync(new URL('../rules/sample-data/2024.json', import.meta.url), 'utf8'));
const values = data2024.regions[0].values;
const regions = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ code: `R${i}`, name: `地区${i}`, values }));

const scenarios: Record<string, { what: string; run: () => string }> = {
  evaluate: {
    what: '2,000 items × the most regions MAX_EVALUATION_CELLS allows, traces on',
    run: () => {
      const doc = manyItemsDocument(2000);
      const n = Math.floor(MAX_EVALUATION_CELLS / formulasPerRegion(doc));
      return evaluateTask({
        document: { text: JSON.stringify(doc) },
        dataset: { year: 2024, regions: regions(n) },
        trace: true,
      });
    },
  },
  sensitivity: {
    what: '1,000 items, ±k points (2,000 variants) × 24 regions = 48 M item evaluations',
    run: () => {
      const doc = manyItemsDocument(1000);
      return sensitivityTask({
        document: { text: JSON.stringify(doc) },
        dataset: { year: 2024, regions: regions(24) },
        mode: { kind: 'points', k: 0.01 },
      });
    },
  },
  join: {
    what: 'one formula comparing 4,000 references to a 64 KiB string with == (one region)',
    run: () => {
      const doc = sample();
      doc.tests = [];
      doc.derived = [
        ...(doc.derived ?? []),
        { key: 'big', label: { zh: '长串' }, logic: { cat: ['x'.repeat(MAX_STRING_LENGTH)] } },
      ];
      doc.categories[0].items[0].logic = {
        if: [{ '==': [Array.from({ length: 4000 }, () => ({ var: 'big' })), 'x'] }, 0, 1],
      };
      return evaluateTask({
        document: { text: JSON.stringify(doc) },
        dataset: { year: 2024, regions: data2024.regions.slice(0, 1) },
        trace: true,
      });
    },
  },
};

const only = process.argv[2];
if (only) {
  const s = scenarios[only];
  const t = performance.now();
  const out = s.run();
  const ms = performance.now() - t;
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(
    `${only}: ${s.what}\n  ${(ms / 1000).toFixed(2)} s, peak RSS ${rss.toFixed(0)} MB, answer ${(out.length / 1e6).toFixed(1)} MB`,
  );
} else {
  const self = fileURLToPath(import.meta.url);
  for (const name of Object.keys(scenarios)) {
    process.stdout.write(
      execFileSync(process.execPath, ['--import', 'tsx', '--max-old-space-size=4096', self, name], {
        encoding: 'utf8',
      }),
    );
  }
}
