/**
 * `ecoscore evaluate RULES.json DATA.(json|csv|xlsx) [--json] [--no-trace]`: every region scored
 * and ranked (SPEC sections 3 and 4). Exit 0 when every region was scored, 1 when some could not
 * be, 2 for an invalid document or an unreadable file.
 */
import { evaluate, formulaLabels, renderFormula } from '../../engine/index.ts';
import { forPeople } from '../../engine/numeric/round.ts';
import { choiceLabel } from '../../engine/document/v2.ts';
import { evaluateStreamed, type StreamedEvaluation } from '../../engine/evaluate/stream.ts';
import type { Evaluation, RegionError, RegionResult, RuleDocument } from '../../engine/index.ts';
import type { CliIo } from '../main.ts';
import { parseArgs } from '../main.ts';
import { CliInputError, readDataFile, readValidRules } from '../io.ts';
import { renderTable } from '../table.ts';

export async function run(args: string[], io: CliIo): Promise<number> {
  const { positional, flags } = parseArgs(args, ['region']);
  const json = flags.has('json');
  const region = flags.get('region');
  if (positional.length !== 2 || region === true) {
    io.stderr(
      '用法 / usage: ecoscore evaluate RULES.json DATA.(json|csv|xlsx) [--json] [--no-trace] [--region CODE]\n',
    );
    return 2;
  }
  const [rulesPath, dataPath] = positional;
  try {
    const doc = await readValidRules(rulesPath, io.cwd);
    const parsed = await readDataFile(dataPath, io.cwd, doc);
    const trace = !flags.has('no-trace');
    // --json streams the results (memory grows with one group of regions, not all of them).
    const streamed = json ? evaluateStreamed(doc, parsed.dataset, { trace }) : undefined;
    const evaluation = streamed ?? evaluate(doc, parsed.dataset, { trace });
    const errors: RegionError[] = [
      ...parsed.rowErrors.map((e) => ({ ...e, location: `${dataPath} ${e.location ?? ''}`.trim() })),
      ...evaluation.errors.map((e) => {
        const loc = e.key ? parsed.locations.get(e.region)?.get(e.key) : undefined;
        const row = parsed.rows.get(e.region);
        if (loc)
          return { ...e, location: `${dataPath} row ${loc.row}, column ${loc.column} (${loc.header})` };
        if (row !== undefined) return { ...e, location: `${dataPath} row ${row}` };
        const idx = parsed.dataset.regions.findIndex((r) => r.code === e.region);
        return idx >= 0 && dataPath.toLowerCase().endsWith('.json')
          ? { ...e, location: `${dataPath} /regions/${idx}/values${e.key ? `/${e.key}` : ''}` }
          : e;
      }),
    ];
    if (streamed) {
      writeJsonStreamed(io, { ...streamed, errors });
      return errors.length > 0 ? 1 : 0;
    }
    const out: Evaluation = { ...(evaluation as Evaluation), errors };
    if (typeof region === 'string') {
      const r = out.results.find((x) => x.region === region);
      if (!r) {
        const err = out.errors.filter((e) => e.region === region);
        io.stderr(
          err.length > 0
            ? `地区 ${region} 未能计分 / region ${region} was not scored:\n${err.map((e) => `  ${e.message}`).join('\n')}\n`
            : `数据中没有地区 ${region} / no region ${region} in ${dataPath}\n`,
        );
        return err.length > 0 ? 1 : 2;
      }
      io.stdout(formatRegion(doc, r) + '\n');
    } else io.stdout(formatEvaluation(doc, out) + '\n');
    return errors.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof CliInputError) {
      io.stderr(e.message + '\n');
      return 2;
    }
    throw e;
  }
}

/** The table view: ranking, totals, grades in words and the adjustments that applied. */
export function formatEvaluation(doc: RuleDocument, ev: Evaluation): string {
  const grade = new Map(doc.grades.map((g) => [g.id, g.label.zh]));
  const labelOf = (list: { id: string; label: { zh: string } }[] | undefined) =>
    new Map((list ?? []).map((x) => [x.id, x.label.zh]));
  const vetoes = labelOf(doc.vetoes);
  const downgrades = labelOf(doc.downgrades);
  const caps = labelOf(doc.caps);
  const digits = doc.precision ?? 2;
  const fmt = (n: number) => n.toFixed(digits);
  const rows = [...ev.results]
    .sort((a, b) => a.rank - b.rank || (a.region < b.region ? -1 : 1))
    .map((r) => {
      const adj = [
        ...r.vetoes.map((id) => `否决：${vetoes.get(id) ?? id}`),
        ...r.downgrades.map((id) => `降档：${downgrades.get(id) ?? id}`),
        ...r.caps.map((id) => `封顶：${caps.get(id) ?? id}`),
      ].join('；');
      return [
        String(r.rank),
        r.region,
        r.name,
        fmt(r.total),
        fmt(r.base),
        fmt(r.bonus),
        grade.get(r.scoreGrade) ?? r.scoreGrade,
        grade.get(r.grade) ?? r.grade,
        adj,
      ];
    });
  const lines = [
    `${doc.title.zh}（${doc.family} ${doc.year}，规则 ${ev.rules.hash.slice(0, 12)}，数据 ${ev.dataset.hash.slice(0, 12)}）`,
    '',
    renderTable(
      ['排名', '代码', '地区', '总分', '基础分', '加分', '分数等级', '最终等级', '否决/降档/封顶'],
      rows,
      ['right', 'left', 'left', 'right', 'right', 'right', 'left', 'left', 'left'],
    ),
  ];
  const counts = doc.grades
    .map((g) => `${g.label.zh} ${ev.results.filter((r) => r.grade === g.id).length}`)
    .join('，');
  lines.push('', `共 ${ev.results.length} 个地区计分：${counts}`);
  if (ev.errors.length > 0) {
    lines.push('', `无法计分 / not scored (${ev.errors.length}):`);
    for (const e of ev.errors)
      lines.push(
        `  ${e.region || '-'} ${e.name} ${e.key ?? e.item ?? ''} ${e.code}: ${e.message}${e.location ? ` [${e.location}]` : ''}`,
      );
  }
  if (ev.warnings.length > 0) {
    lines.push('', `提示 / warnings (${ev.warnings.length}):`);
    for (const w of ev.warnings) lines.push(`  ${w.region ?? ''} ${w.message}`.trimEnd());
  }
  return lines.join('\n');
}

/**
 * One region's breakdown: every item with its points, the formula in words and the values it
 * read, then the bonus and the adjustments — enough to explain the grade.
 */
export function formatRegion(doc: RuleDocument, r: RegionResult): string {
  const digits = doc.precision ?? 2;
  const fmt = (n: number) => n.toFixed(digits);
  const labels = formulaLabels(doc);
  const inputs = new Map(doc.inputs.map((i) => [i.key, i]));
  const formulas = new Map<string, unknown>();
  for (const c of doc.categories) for (const it of c.items) formulas.set(it.id, it.logic);
  for (const b of doc.bonus?.items ?? []) formulas.set(b.id, b.logic);
  const grade = new Map(doc.grades.map((g) => [g.id, g.label.zh]));
  const show = (key: string, v: unknown) => {
    const input = inputs.get(key.startsWith('prev.') ? key.slice('prev.'.length) : key);
    const unit = input?.unit;
    // Numbers rounded for people (float residue never shows); `--json` keeps the exact values.
    const text =
      typeof v === 'boolean'
        ? v
          ? '是'
          : '否'
        : v === null
          ? '（无）'
          : typeof v === 'number'
            ? forPeople(v)
            : ((input && choiceLabel(input, v)?.zh) ?? String(v));
    return `${labels[key]?.zh ?? key}=${text}${unit && typeof v === 'number' ? ` ${unit}` : ''}`;
  };
  const lines = [
    `${r.name}（${r.region}）  总分 ${fmt(r.total)} = 基础分 ${fmt(r.base)} + 加分 ${fmt(r.bonus)}` +
      `  按分数 ${grade.get(r.scoreGrade) ?? r.scoreGrade} → 最终 ${grade.get(r.grade) ?? r.grade}  排名 ${r.rank}`,
  ];
  const explain = (
    id: string,
    points: number,
    max: number | null,
    raw: number,
    clamped: boolean,
    vars?: Record<string, unknown>,
  ) => {
    lines.push(
      `    ${fmt(points)}${max === null ? '' : ` / ${max}`}  ${renderFormula(formulas.get(id), { lang: 'zh', labels })}`,
    );
    const detail = [
      ...(vars ? Object.entries(vars).map(([k, v]) => show(k, v)) : []),
      `公式结果 ${forPeople(raw)}${clamped ? `（超出范围，取 ${fmt(points)}）` : ''}`,
    ];
    lines.push(`      ${detail.join('，')}`);
  };
  for (const c of r.categories) {
    lines.push('', `${c.label.zh}  ${fmt(c.points)} / ${c.maxPoints}`);
    for (const it of c.items) {
      lines.push(`  ${it.label.zh}`);
      if (it.points === null) {
        lines.push(`    不适用 / not applicable  （满分 ${it.maxPoints}）`);
        continue;
      }
      explain(it.id, it.points, it.maxPoints, it.raw ?? 0, it.clamped, it.trace?.vars);
    }
  }
  if (r.bonusItems.length > 0) {
    const cap = doc.bonus?.cap ?? 0;
    lines.push(
      '',
      `加分项  ${fmt(r.bonus)}${r.bonusUncapped > r.bonus ? `（合计 ${fmt(r.bonusUncapped)}，上限 ${cap}）` : ''}`,
    );
    for (const b of r.bonusItems) {
      if (b.points === 0 && !b.clamped) continue;
      lines.push(`  ${b.label.zh}`);
      explain(b.id, b.points, null, b.raw, b.clamped, b.trace?.vars);
    }
  }
  const named = (list: { id: string; label: { zh: string } }[] | undefined, ids: string[]) =>
    ids.map((id) => list?.find((x) => x.id === id)?.label.zh ?? id);
  const adj = [
    ...named(doc.downgrades, r.downgrades).map(
      (l, i) => `降档项：${l}（降 ${doc.downgrades?.find((d) => d.id === r.downgrades[i])?.levels ?? 1} 档）`,
    ),
    ...named(doc.caps, r.caps).map(
      (l, i) =>
        `封顶项：${l}（最高 ${grade.get(doc.caps?.find((c) => c.id === r.caps[i])?.maxGrade ?? '') ?? ''}）`,
    ),
    ...named(doc.vetoes, r.vetoes).map(
      (l) => `否决项：${l}（直接评为${doc.grades[doc.grades.length - 1].label.zh}）`,
    ),
  ];
  lines.push('', adj.length > 0 ? adj.join('\n') : '无否决、降档或封顶。');
  return lines.join('\n');
}

/**
 * `JSON.stringify({ rules, dataset, results, errors, warnings }, null, 2)` + newline, written
 * region by region: the same text, without ever holding every result.
 */
export function writeJsonStreamed(io: CliIo, s: StreamedEvaluation): void {
  const hole = `results-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const skeleton = JSON.stringify(
    { rules: s.rules, dataset: s.dataset, results: hole, errors: s.errors, warnings: s.warnings },
    null,
    2,
  );
  const at = skeleton.indexOf(`"${hole}"`);
  io.stdout(skeleton.slice(0, at));
  let first = true;
  for (const r of s.results()) {
    io.stdout((first ? '[\n    ' : ',\n    ') + JSON.stringify(r, null, 2).replace(/\n/g, '\n    '));
    first = false;
  }
  io.stdout(first ? '[]' : '\n  ]');
  io.stdout(skeleton.slice(at + hole.length + 2) + '\n');
}
