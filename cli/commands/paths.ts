/**
 * `ecoscore paths RULES.json DATA --region CODE [--to GRADE] [--json]`: the 整改路径 of one region
 * (SPEC section 13): the smallest changes to its `actual` inputs that reach the grade. Exit 0 when
 * a path exists (or the grade is already reached), 1 when none does or the region cannot be
 * scored, 2 for wrong usage, an invalid document, an unreadable file, or an unknown region or grade.
 */
import type { RuleDocument } from '../../engine/index.ts';
import { PathError } from '../../engine/health/index.ts';
import { exactGradePath, type ExactGradePath } from '../../engine/health/exact/paths.ts';
import type { CliIo } from '../main.ts';
import { parseArgs } from '../main.ts';
import { CliInputError, readDataFile, readValidRules } from '../io.ts';

const USAGE =
  '用法 / usage: ecoscore paths RULES.json DATA.(json|csv|xlsx) --region CODE [--to GRADE] [--json]\n';

export async function run(args: string[], io: CliIo): Promise<number> {
  const { positional, flags } = parseArgs(args, ['region', 'to']);
  const region = flags.get('region');
  const to = flags.get('to');
  if (positional.length !== 2 || typeof region !== 'string' || to === true) {
    io.stderr(USAGE);
    return 2;
  }
  const [rulesPath, dataPath] = positional;
  try {
    const doc = await readValidRules(rulesPath, io.cwd);
    const parsed = await readDataFile(dataPath, io.cwd, doc);
    const data = parsed.dataset.regions.find((r) => r.code === region);
    if (!data) {
      io.stderr(`数据中没有地区 ${region} / no region ${region} in ${dataPath}\n`);
      return 2;
    }
    const path = await exactGradePath(doc, data, {
      to: typeof to === 'string' ? to : undefined,
      timeLimitMs: 10_000,
    });
    if (flags.has('json')) io.stdout(JSON.stringify(path, null, 2) + '\n');
    else io.stdout(formatPath(doc, path));
    return path.reachable ? 0 : 1;
  } catch (e) {
    if (e instanceof CliInputError) {
      io.stderr(e.message + '\n');
      return 2;
    }
    if (e instanceof PathError) {
      io.stderr(e.message + '\n');
      for (const d of e.details as { message?: string }[]) if (d.message) io.stderr(`  ${d.message}\n`);
      return e.code === 'unknown_grade' ? 2 : 1;
    }
    throw e;
  }
}

function formatPath(doc: RuleDocument, p: ExactGradePath): string {
  const grade = (id: string) => doc.grades.find((g) => g.id === id)?.label.zh ?? id;
  const label = (key: string) => doc.inputs.find((i) => i.key === key)?.label.zh ?? key;
  const unit = (key: string) => doc.inputs.find((i) => i.key === key)?.unit ?? '';
  const lines = [`${p.name}（${p.region}）：${p.from.total} 分，${grade(p.from.grade)} / ${p.from.grade}`];
  if (!p.reachable) {
    lines.push(
      `无法通过调整实际值达到 ${grade(p.to.grade)} / ${p.to.grade} is out of reach by the actual values:`,
    );
    for (const r of p.reasons ?? [])
      lines.push(`  - ${r.message}${r.fixed ? '（不受实际值影响 / no actual value changes it）' : ''}`);
  } else if (p.changes.length === 0) lines.push(`已达到 ${grade(p.to.grade)} / already ${p.to.grade}`);
  else {
    lines.push(`整改路径 / path to ${grade(p.to.grade)} (${p.to.grade}), ${p.to.total} 分:`);
    for (const c of p.changes)
      lines.push(
        `  - ${label(c.key)}（${c.key}）：${c.from} → ${c.to}${unit(c.key) ? ` ${unit(c.key)}` : ''}`,
      );
  }
  if (p.changes.length > 0 || !p.reachable)
    lines.push(
      p.minimal && !p.reachable
        ? `已证明不可达 / proven out of reach`
        : p.minimal
          ? `已证明最少（${p.provenFor === 'floats' ? '按双精度运算' : '按实数运算'}）/ proven minimal (${p.provenFor === 'floats' ? 'double arithmetic' : 'real arithmetic'})`
          : `未证明最少 / not proven minimal${p.note ? `: ${p.note}` : ''}`,
    );
  return lines.join('\n') + '\n';
}
