/**
 * Test coverage of a rule document by its own `tests` (as decision-table tools show rule
 * coverage): which items the tests assert, which branches of each `if` they take, and which
 * vetoes, downgrades and caps they make fire. Branches are followed with json-logic-js's own
 * `if`/`and`/`or` semantics (lazy, truthiness); everything else is applied by json-logic-js.
 *
 * @example documentCoverage(doc).uncovered // [{ target: 'veto', id: 'data_fraud' }, …]
 */
import type { RuleDocument } from '../types.ts';
import { logic, truthy } from '../logic/operations.ts';
import { argsOf, isOperation, operationOf } from '../logic/walk.ts';
import { prepareDocument } from '../evaluate/prepare.ts';
import { scoreRegion } from '../evaluate/score.ts';
import { resolveInputs, resolvePrevious } from '../evaluate/inputs.ts';

export type CoverageTarget = 'item' | 'bonus' | 'derived' | 'veto' | 'downgrade' | 'cap';

export interface CoveredThing {
  id: string;
  covered: boolean;
  /** Names of the tests that cover it. */
  tests: string[];
}

export interface BranchCoverage {
  /** JSON pointer of the `if` operation. */
  path: string;
  target: CoverageTarget;
  id: string;
  /** 0 for the first `then`, 1 for the second, …; the last is the `else`. */
  branch: number;
  /** `then 1`, `then 2`, …, `else`. */
  label: string;
  covered: boolean;
  tests: string[];
}

export interface Coverage {
  /** Tests that could be scored (the others are listed in `failedTests`). */
  tests: number;
  failedTests: string[];
  items: CoveredThing[];
  branches: BranchCoverage[];
  vetoes: CoveredThing[];
  downgrades: CoveredThing[];
  caps: CoveredThing[];
  uncovered: { target: CoverageTarget; id: string; path?: string; branch?: string }[];
}

interface Site {
  target: CoverageTarget;
  id: string;
  path: string;
  formula: unknown;
}

/** The coverage of a valid document by its tests. */
export function documentCoverage(doc: RuleDocument): Coverage {
  const p = prepareDocument(doc);
  const sites: Site[] = [];
  (doc.derived ?? []).forEach((x, i) =>
    sites.push({ target: 'derived', id: x.key, path: `/derived/${i}/logic`, formula: x.logic }),
  );
  doc.categories.forEach((c, ci) =>
    c.items.forEach((it, ii) =>
      sites.push({
        target: 'item',
        id: it.id,
        path: `/categories/${ci}/items/${ii}/logic`,
        formula: it.logic,
      }),
    ),
  );
  (doc.bonus?.items ?? []).forEach((b, i) =>
    sites.push({ target: 'bonus', id: b.id, path: `/bonus/items/${i}/logic`, formula: b.logic }),
  );
  for (const [target, key] of [
    ['veto', 'vetoes'],
    ['downgrade', 'downgrades'],
    ['cap', 'caps'],
  ] as const)
    (doc[key] ?? []).forEach((x, i) =>
      sites.push({ target, id: x.id, path: `/${key}/${i}/when`, formula: x.when }),
    );

  const branches = new Map<string, BranchCoverage>();
  for (const s of sites) listBranches(s, s.formula, s.path, branches);

  const itemTests = new Map<string, string[]>();
  const fired = {
    vetoes: new Map<string, string[]>(),
    downgrades: new Map<string, string[]>(),
    caps: new Map<string, string[]>(),
  };
  const failedTests: string[] = [];
  let ran = 0;
  for (const [i, t] of (doc.tests ?? []).entries()) {
    const region = {
      code: `test-${i + 1}`,
      name: t.name,
      values: t.inputs,
      ...(t.previous !== undefined ? { previous: t.previous } : {}),
    };
    const out = scoreRegion(p, region, false);
    if (!out.result) {
      failedTests.push(t.name);
      continue;
    }
    ran++;
    for (const id of Object.keys(t.expect.items ?? {})) push(itemTests, id, t.name);
    for (const k of ['vetoes', 'downgrades', 'caps'] as const)
      for (const id of out.result[k]) push(fired[k], id, t.name);
    // Follow the branches with the same context the engine builds.
    const ctx: Record<string, unknown> = Object.create(null);
    for (const [k, v] of p.parameters) ctx[k] = v;
    Object.assign(ctx, resolveInputs(p, region).values);
    if (p.previous.length > 0) ctx.prev = resolvePrevious(p, region).previous;
    const hit = (path: string, branch: number) => {
      const b = branches.get(`${path}#${branch}`);
      if (b && !b.tests.includes(t.name)) b.tests.push(t.name);
    };
    const derivedSites = new Map(sites.filter((s) => s.target === 'derived').map((s) => [s.id, s]));
    for (const d of p.derived) {
      const s = derivedSites.get(d.def.key) as Site;
      ctx[d.def.key] = follow(s.formula, ctx, s.path, hit);
    }
    for (const s of sites) if (s.target !== 'derived') follow(s.formula, ctx, s.path, hit);
  }

  const list = (ids: string[], m: Map<string, string[]>): CoveredThing[] =>
    ids.map((id) => ({ id, covered: (m.get(id) ?? []).length > 0, tests: m.get(id) ?? [] }));
  const items = list(
    doc.categories.flatMap((c) => c.items.map((it) => it.id)),
    itemTests,
  );
  const vetoes = list(
    (doc.vetoes ?? []).map((x) => x.id),
    fired.vetoes,
  );
  const downgrades = list(
    (doc.downgrades ?? []).map((x) => x.id),
    fired.downgrades,
  );
  const caps = list(
    (doc.caps ?? []).map((x) => x.id),
    fired.caps,
  );
  const allBranches = [...branches.values()].map((b) => ({ ...b, covered: b.tests.length > 0 }));
  const uncovered: Coverage['uncovered'] = [
    ...items.filter((x) => !x.covered).map((x) => ({ target: 'item' as const, id: x.id })),
    ...allBranches
      .filter((b) => !b.covered)
      .map((b) => ({ target: b.target, id: b.id, path: b.path, branch: b.label })),
    ...vetoes.filter((x) => !x.covered).map((x) => ({ target: 'veto' as const, id: x.id })),
    ...downgrades.filter((x) => !x.covered).map((x) => ({ target: 'downgrade' as const, id: x.id })),
    ...caps.filter((x) => !x.covered).map((x) => ({ target: 'cap' as const, id: x.id })),
  ];
  return { tests: ran, failedTests, items, branches: allBranches, vetoes, downgrades, caps, uncovered };
}

function push(m: Map<string, string[]>, id: string, name: string) {
  const l = m.get(id) ?? [];
  if (!l.includes(name)) l.push(name);
  m.set(id, l);
}

function argPath(path: string, node: Record<string, unknown>, i: number): string {
  const op = operationOf(node);
  return Array.isArray(node[op]) ? `${path}/${escape(op)}/${i}` : `${path}/${escape(op)}`;
}

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Registers every branch of every `if` in a formula. */
function listBranches(site: Site, f: unknown, path: string, out: Map<string, BranchCoverage>): void {
  if (Array.isArray(f)) return f.forEach((x, i) => listBranches(site, x, `${path}/${i}`, out));
  if (!isOperation(f)) return;
  const op = operationOf(f);
  const args = argsOf(f);
  if (op === 'if' || op === '?:') {
    const n = Math.floor(args.length / 2) + 1; // the pairs, then the else (explicit or null)
    for (let b = 0; b < n; b++)
      out.set(`${path}#${b}`, {
        path,
        target: site.target,
        id: site.id,
        branch: b,
        label: b === n - 1 ? 'else' : `then ${b + 1}`,
        covered: false,
        tests: [],
      });
  }
  args.forEach((a, i) => listBranches(site, a, argPath(path, f, i), out));
}

function hasIf(f: unknown): boolean {
  if (Array.isArray(f)) return f.some(hasIf);
  if (!isOperation(f)) return false;
  const op = operationOf(f);
  return op === 'if' || op === '?:' || argsOf(f).some(hasIf);
}

/** Evaluates a formula like json-logic-js does, reporting each `if` branch taken. */
function follow(
  f: unknown,
  ctx: Record<string, unknown>,
  path: string,
  hit: (path: string, branch: number) => void,
): unknown {
  try {
    if (!hasIf(f)) return logic.apply(f as never, ctx);
    if (Array.isArray(f)) return f.map((x, i) => follow(x, ctx, `${path}/${i}`, hit));
    const node = f as Record<string, unknown>;
    const op = operationOf(node);
    const args = argsOf(node);
    const run = (i: number) => follow(args[i], ctx, argPath(path, node, i), hit);
    if (op === 'if' || op === '?:') {
      let i = 0;
      for (; i < args.length - 1; i += 2) {
        if (truthy(run(i))) {
          hit(path, i / 2);
          return run(i + 1);
        }
      }
      hit(path, Math.floor(args.length / 2));
      return args.length === i + 1 ? run(i) : null;
    }
    if (op === 'and' || op === 'or') {
      let v: unknown;
      for (let i = 0; i < args.length; i++) {
        v = run(i);
        if (op === 'and' ? !truthy(v) : truthy(v)) return v;
      }
      return v;
    }
    const values = args.map((_, i) => run(i));
    return logic.apply({ [op]: values } as never, ctx);
  } catch {
    return undefined;
  }
}
