/**
 * The semantic rules of schema version 2 (SPEC section 9): a version-1 document may not carry its
 * fields; labelled choices are unambiguous; `prev` is not a name when previous values are read;
 * a rubric whose `forLogic` no longer matches its formula is a warning (`rubric_stale`).
 */
import type { Problem } from '../types.ts';
import { choiceValue, isChoice, logicHash, VERSION_2_FIELDS } from '../document/v2.ts';
import { problem } from './problem.ts';
import { isObj, list, type Obj } from './common.ts';

/** Rule parts that may carry `basis` and `rubric`, with the field holding their formula. */
const RULE_PARTS = [
  ['downgrades', 'when'],
  ['caps', 'when'],
  ['vetoes', 'when'],
] as const;

/** Checks the version-2 rules of a document (schema problems are checkSchema's). */
export function checkVersion2(doc: Obj): Problem[] {
  const out: Problem[] = [];
  const version = doc.schemaVersion;
  // Every place a version-2 field may sit: [pointer, object, fields].
  const places: [string, Obj, readonly string[]][] = [['', doc, VERSION_2_FIELDS.document]];
  list(doc.inputs).forEach((x, i) => isObj(x) && places.push([`/inputs/${i}`, x, VERSION_2_FIELDS.input]));
  const rubricSites: [string, Obj, unknown][] = [];
  list(doc.categories).forEach((c, ci) => {
    if (!isObj(c)) return;
    places.push([`/categories/${ci}`, c, VERSION_2_FIELDS.category]);
    list(c.items).forEach((it, ii) => {
      if (!isObj(it)) return;
      places.push([`/categories/${ci}/items/${ii}`, it, VERSION_2_FIELDS.item]);
      rubricSites.push([`/categories/${ci}/items/${ii}`, it, it.logic]);
    });
  });
  if (isObj(doc.bonus))
    list(doc.bonus.items).forEach((b, i) => {
      if (!isObj(b)) return;
      places.push([`/bonus/items/${i}`, b, VERSION_2_FIELDS.rule]);
      rubricSites.push([`/bonus/items/${i}`, b, b.logic]);
    });
  for (const [part, field] of RULE_PARTS)
    list(doc[part]).forEach((x, i) => {
      if (!isObj(x)) return;
      places.push([`/${part}/${i}`, x, VERSION_2_FIELDS.rule]);
      rubricSites.push([`/${part}/${i}`, x, x[field]]);
    });
  list(doc.tests).forEach((t, i) => isObj(t) && places.push([`/tests/${i}`, t, VERSION_2_FIELDS.test]));

  if (version === 1) {
    for (const [at, obj, fields] of places)
      for (const f of fields)
        if (f in obj)
          out.push(
            problem(
              `${at}/${f}`,
              'requires_version_2',
              `字段 "${f}" 属于规则文档格式第 2 版：请把 schemaVersion 改为 2，或删除该字段。`,
              `The field "${f}" belongs to schema version 2; set schemaVersion to 2 or remove the field.`,
            ),
          );
    list(doc.inputs).forEach((x, i) => {
      if (!isObj(x)) return;
      list(x.enum).forEach((e, j) => {
        if (isChoice(e))
          out.push(
            problem(
              `/inputs/${i}/enum/${j}`,
              'requires_version_2',
              `带标签的可选值属于规则文档格式第 2 版：请把 schemaVersion 改为 2，或只写取值。`,
              `Labelled choices belong to schema version 2; set schemaVersion to 2 or list plain values.`,
            ),
          );
      });
    });
    return out;
  }

  // Labelled choices: each value once; a label names one value only.
  list(doc.inputs).forEach((x, i) => {
    if (!isObj(x)) return;
    const entries = list(x.enum);
    const values = new Map<unknown, number>();
    entries.forEach((e, j) => {
      const v = choiceValue(e);
      if (values.has(v))
        out.push(
          problem(
            `/inputs/${i}/enum/${j}`,
            'duplicate_choice',
            `可选值 ${JSON.stringify(v)} 重复（第 ${values.get(v)! + 1} 个已有）：请删除重复项。`,
            `The choice ${JSON.stringify(v)} is listed twice (already entry ${values.get(v)! + 1}); remove the repeat.`,
          ),
        );
      else values.set(v, j);
    });
    const names = new Map<string, unknown>();
    for (const e of entries) names.set(String(choiceValue(e)), choiceValue(e));
    entries.forEach((e, j) => {
      if (!isChoice(e) || !isObj(e.label) || typeof e.label.zh !== 'string') return;
      const zh = e.label.zh.trim();
      const other = names.get(zh);
      if (names.has(zh) && other !== e.value)
        out.push(
          problem(
            `/inputs/${i}/enum/${j}/label/zh`,
            'ambiguous_choice',
            `可选值标签 "${zh}" 与另一个可选值相同，导入时无法区分：请改写标签。`,
            `The choice label "${zh}" equals another choice, so imports cannot tell them apart; reword the label.`,
          ),
        );
      else names.set(zh, e.value);
    });
  });

  // `prev` would hide last year's values from formulas.
  const readsPrevious = list(doc.inputs).some(
    (x) => isObj(x) && (x.previous === 'required' || x.previous === 'optional'),
  );
  if (readsPrevious)
    for (const part of ['parameters', 'inputs', 'derived'] as const)
      list(doc[part]).forEach((x, i) => {
        if (isObj(x) && x.key === 'prev')
          out.push(
            problem(
              `/${part}/${i}/key`,
              'reserved_name',
              `名称 "prev" 用于读取上年值（prev.键名），不能作为键：请改名。`,
              `The name "prev" reads last year's values (prev.KEY) and cannot be a key; rename it.`,
            ),
          );
      });

  // Rubrics that describe an older formula.
  for (const [at, obj, formula] of rubricSites) {
    const r = obj.rubric;
    if (!isObj(r) || typeof r.forLogic !== 'string' || formula === undefined) continue;
    let hash: string;
    try {
      hash = logicHash(formula);
    } catch {
      continue; // not JSON: reported elsewhere
    }
    if (r.forLogic !== hash)
      out.push({
        ...problem(
          `${at}/rubric`,
          'rubric_stale',
          `计分规则文字是为另一版公式写的（公式已改）：请核对文字，或"由公式生成"后保存。`,
          `The rubric text was written for another version of the formula; check it, or regenerate it from the formula.`,
        ),
        severity: 'warning',
      });
  }
  return out;
}
