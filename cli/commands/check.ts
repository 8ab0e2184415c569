/**
 * `ecoscore check RULES.json [--json] [--coverage]`: the 规则体检 of a rule document (SPEC section
 * 13). Exit 0 when there is no finding other than conditions_overlap, 1 when there is, 2 for an
 * invalid or unreadable document. `--coverage` adds which parts the document's own tests exercise.
 */
import type { RuleDocument } from '../../engine/index.ts';
import { documentCoverage, INFO_CODES } from '../../engine/health/index.ts';
import { checkDocumentExact } from '../../engine/health/exact/check.ts';
import type { Coverage, HealthReport } from '../../engine/health/index.ts';
import type { CliIo } from '../main.ts';
import { parseArgs } from '../main.ts';
import { CliInputError, readValidRules } from '../io.ts';

export async function run(args: string[], io: CliIo): Promise<number> {
  const { positional, flags } = parseArgs(args);
  const json = flags.has('json');
  if (positional.length !== 1) {
    io.stderr('用法 / usage: ecoscore check RULES.json [--json] [--coverage]\n');
    return 2;
  }
  let doc: RuleDocument;
  try {
    doc = await readValidRules(positional[0], io.cwd);
  } catch (e) {
    if (e instanceof CliInputError) {
      io.stderr(e.message + '\n');
      return 2;
    }
    throw e;
  }
  const report = await checkDocumentExact(doc, { timeLimitMs: 30_000 });
  const coverage = flags.has('coverage') ? documentCoverage(doc) : undefined;
  if (json) io.stdout(JSON.stringify({ ...report, ...(coverage ? { coverage } : {}) }, null, 2) + '\n');
  else io.stdout(formatReport(positional[0], report, coverage));
  return report.findings.some((f) => !INFO_CODES.has(f.code)) ? 1 : 0;
}

function formatReport(file: string, r: HealthReport, coverage?: Coverage): string {
  const lines: string[] = [];
  for (const f of r.findings) {
    lines.push(`${f.path} ${f.code}${f.severity === 'info' ? ' (info)' : ''} ${f.message}`);
    if (f.witness) lines.push(`    示例输入 / witness: ${JSON.stringify(f.witness)}`);
  }
  for (const u of r.unknown) lines.push(`? ${u.target} ${u.id} ${u.property}: 未能判定 / undecided`);
  const problems = r.findings.filter((f) => !INFO_CODES.has(f.code)).length;
  const info = r.findings.length - problems;
  lines.push(
    `${file}: ${problems} 个问题，${info} 条提示，${r.unknown.length} 项未判定 / ${problems} finding${problems === 1 ? '' : 's'}, ${info} note${info === 1 ? '' : 's'}, ${r.unknown.length} undecided`,
  );
  if (coverage) {
    const pct = (xs: { covered: boolean }[]) => `${xs.filter((x) => x.covered).length}/${xs.length}`;
    lines.push(
      `测试覆盖 / test coverage (${coverage.tests} tests): 考核项 items ${pct(coverage.items)}, 分支 branches ${pct(coverage.branches)}, 否决项 vetoes ${pct(coverage.vetoes)}, 降档项 downgrades ${pct(coverage.downgrades)}, 封顶项 caps ${pct(coverage.caps)}`,
    );
    for (const u of coverage.uncovered)
      lines.push(`  未覆盖 / uncovered: ${u.target} ${u.id}${u.branch ? ` ${u.path} ${u.branch}` : ''}`);
  }
  return lines.join('\n') + '\n';
}
