/**
 * The XLSX data template of a rule version, and the same layout filled with a year's data for
 * exports. Sheet 1 (数据) is what the importer reads back:
 *
 * - row 1: `code`, `name`, then one column per input key (the machine header the importer reads);
 * - row 2: `#地区代码`, `地区名称`, then each input's Chinese label and unit (skipped on import);
 * - one row per region assessed that year; columns grouped by role (targets, actuals, events,
 *   assessments, others) and coloured per group; header rows and the code/name columns frozen;
 * - data validation: 是/否 lists for booleans, lists for enums (from a hidden sheet), number ranges.
 *
 * Sheet 2 (说明) lists every input with its type, unit, range, default and source.
 */
import type ExcelJS from 'exceljs';
import type { Input, RuleDocument } from '../../engine/types.ts';
import type { Tx } from '../db/audit.ts';
import { regionsAssessedIn } from '../db/regions.ts';
import { dataColumns, isRequiredWithoutDefault, valueForPeople } from '../db/values.ts';
import { datasetForYear } from '../db/datasets.ts';
import { isChoice, PREV_PREFIX } from '../../engine/index.ts';
import { getVersion } from '../db/versions.ts';
import { newWorkbook, workbookBuffer } from './xlsx.ts';

export const ROLE_LABELS: Record<string, { zh: string; en: string; fill: string }> = {
  target: { zh: '目标', en: 'target', fill: 'FFDDEBF7' },
  actual: { zh: '完成', en: 'actual', fill: 'FFE2EFDA' },
  event: { zh: '事件', en: 'event', fill: 'FFFCE4D6' },
  assessment: { zh: '评价', en: 'assessment', fill: 'FFFFF2CC' },
  other: { zh: '其他', en: 'other', fill: 'FFEDEDED' },
};

const TYPE_ZH: Record<Input['type'], string> = {
  number: '数值',
  integer: '整数',
  boolean: '是/否',
  string: '文本',
};

export interface SheetRegion {
  code: string;
  name: string;
  values?: Record<string, unknown>;
}

/** The header label of an input: Chinese label and unit. */
export function inputHeader(input: Input): string {
  return input.unit ? `${input.label.zh}(${input.unit})` : input.label.zh;
}

function rangeText(input: Input): string {
  if (input.enum)
    return `取值 / one of: ${input.enum.map((e) => (typeof e === 'boolean' ? (e ? '是' : '否') : isChoice(e) ? e.label.zh : String(e))).join('、')}`;
  if (input.min !== undefined && input.max !== undefined) return `${input.min} – ${input.max}`;
  if (input.min !== undefined) return `≥ ${input.min}`;
  if (input.max !== undefined) return `≤ ${input.max}`;
  return '';
}

/** A cell value for a stored value: booleans as 是/否 (what the validation list offers). */
function cellValue(v: unknown): ExcelJS.CellValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'number' || typeof v === 'string') return v;
  return JSON.stringify(v);
}

function quoteList(items: string[]): string | null {
  const joined = items.join(',');
  if (items.some((s) => s.includes(',') || s.includes('"')) || joined.length > 250) return null;
  return `"${joined}"`;
}

/**
 * A workbook in the template layout for `doc`, with one row per region (values filled in when
 * given). `title` goes into the workbook properties.
 */
export async function dataWorkbook(
  doc: RuleDocument,
  regions: SheetRegion[],
  title: string,
): Promise<ExcelJS.Workbook> {
  const wb = await newWorkbook();
  wb.creator = 'ecoscore';
  wb.title = title;
  // Fixed dates keep the bytes stable for the same content.
  wb.created = new Date(Date.UTC(2000, 0, 1));
  wb.modified = new Date(Date.UTC(2000, 0, 1));
  const ws = wb.addWorksheet('数据', { views: [{ state: 'frozen', xSplit: 2, ySplit: 2 }] });
  const inputs = dataColumns(doc);
  ws.addRow(['code', 'name', ...inputs.map((i) => i.key)]);
  ws.addRow(['#地区代码', '地区名称', ...inputs.map(inputHeader)]);
  ws.getColumn(1).width = 12;
  ws.getColumn(2).width = 22;
  const head1 = ws.getRow(1);
  const head2 = ws.getRow(2);
  head1.font = { color: { argb: 'FF808080' }, size: 9 };
  head2.font = { bold: true };
  head2.alignment = { wrapText: true, vertical: 'middle' };
  head2.height = 48;
  inputs.forEach((input, i) => {
    const c = i + 3;
    const role = ROLE_LABELS[input.role ?? 'other'] ?? ROLE_LABELS.other;
    ws.getColumn(c).width = Math.min(30, Math.max(12, inputHeader(input).length * 1.6));
    for (const cell of [head1.getCell(c), head2.getCell(c)])
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: role.fill } };
    const note = [
      `${role.zh} / ${role.en}`,
      `类型 / type: ${TYPE_ZH[input.type]}`,
      rangeText(input) && `范围 / range: ${rangeText(input)}`,
      isRequiredWithoutDefault(input)
        ? '必填 / required'
        : input.default !== undefined
          ? `默认 / default: ${cellValue(input.default)}`
          : '选填 / optional',
      input.source === 'national' ? '来源：国家考核结果 / source: national assessment' : '',
    ]
      .filter(Boolean)
      .join('\n');
    head2.getCell(c).note = note;
  });
  regions.forEach((r) =>
    ws.addRow([r.code, r.name, ...inputs.map((i) => cellValue(valueForPeople(i, r.values?.[i.key])))]),
  );

  // Lists for enums live on a hidden sheet when they cannot be written inline.
  let lists: ExcelJS.Worksheet | undefined;
  let listCol = 0;
  const firstRow = 3;
  const lastRow = Math.max(firstRow, regions.length + 2);
  inputs.forEach((input, i) => {
    const c = i + 3;
    let validation: ExcelJS.DataValidation | null = null;
    if (input.type === 'boolean') {
      validation = {
        type: 'list',
        allowBlank: true,
        formulae: ['"是,否"'],
        showErrorMessage: true,
        errorTitle: '请选择 是 或 否',
        error: `${input.label.zh}: 请选择 是 或 否 / choose 是 (yes) or 否 (no)`,
      };
    } else if (input.enum) {
      // Labelled choices by their labels (imports read a label as its value).
      const items = input.enum.map((e) => (isChoice(e) ? e.label.zh : String(e)));
      let formula = quoteList(items);
      if (!formula) {
        lists ??= wb.addWorksheet('lists', { state: 'veryHidden' });
        listCol += 1;
        items.forEach((item, r) => (lists!.getCell(r + 1, listCol).value = item));
        const letter = lists.getColumn(listCol).letter;
        formula = `lists!$${letter}$1:$${letter}$${items.length}`;
      }
      validation = {
        type: 'list',
        allowBlank: true,
        formulae: [formula],
        showErrorMessage: true,
        error: `${input.label.zh}: 请从列表中选择 / choose a value from the list`,
      };
    } else if (
      (input.type === 'number' || input.type === 'integer') &&
      (input.min !== undefined || input.max !== undefined)
    ) {
      const type = input.type === 'integer' ? 'whole' : 'decimal';
      const message = `${input.label.zh}: ${rangeText(input)}`;
      validation =
        input.min !== undefined && input.max !== undefined
          ? {
              type,
              operator: 'between',
              allowBlank: true,
              formulae: [input.min, input.max],
              showErrorMessage: true,
              error: message,
            }
          : input.min !== undefined
            ? {
                type,
                operator: 'greaterThanOrEqual',
                allowBlank: true,
                formulae: [input.min],
                showErrorMessage: true,
                error: message,
              }
            : {
                type,
                operator: 'lessThanOrEqual',
                allowBlank: true,
                formulae: [input.max],
                showErrorMessage: true,
                error: message,
              };
    } else if (input.type === 'integer') {
      validation = {
        type: 'whole',
        operator: 'between',
        allowBlank: true,
        formulae: [-2147483648, 2147483647],
        showErrorMessage: true,
        error: `${input.label.zh}: 请填整数 / an integer`,
      };
    }
    if (validation) for (let r = firstRow; r <= lastRow; r++) ws.getCell(r, c).dataValidation = validation;
  });

  const info = wb.addWorksheet('说明');
  info.addRow([
    'key',
    '名称 / label',
    '分组 / role',
    '类型 / type',
    '单位 / unit',
    '范围 / range',
    '必填 / required',
    '默认 / default',
    '来源 / source',
  ]);
  info.getRow(1).font = { bold: true };
  for (const input of inputs) {
    const role = ROLE_LABELS[input.role ?? 'other'] ?? ROLE_LABELS.other;
    info.addRow([
      input.key,
      input.label.zh + (input.label.en ? ` / ${input.label.en}` : ''),
      role.zh,
      TYPE_ZH[input.type],
      input.unit ?? '',
      rangeText(input),
      isRequiredWithoutDefault(input) ? '是' : '否',
      cellValue(input.default),
      input.source === 'national'
        ? '国家 / national'
        : input.source === 'provincial'
          ? '省 / provincial'
          : '',
    ]);
  }
  info.addRow([]);
  info.addRow([
    `${doc.title.zh}（${doc.family} ${doc.year}）。第 1 行为字段名，第 2 行（# 开头）为中文说明，导入时跳过；布尔值填 是/否；空单元格表示缺失。`,
  ]);
  info.columns.forEach((c, i) => (c.width = [16, 36, 10, 10, 10, 18, 10, 10, 16][i] ?? 12));
  return wb;
}

/**
 * The XLSX template for version `versionId`: one row per region assessed in `year` (default: the
 * document's year), one column per input. Re-importable as is once filled in.
 */
export async function buildTemplate(
  db: Tx,
  versionId: number,
  year?: number,
): Promise<{ filename: string; contentType: string; body: Buffer }> {
  const version = await getVersion(db, versionId);
  const doc = version.document;
  const y = year ?? doc.year;
  // Last year's values (schema version 2) pre-filled from the stored data of y − 1.
  const last = doc.inputs.some((i) => i.previous !== undefined)
    ? new Map((await datasetForYear(db, y - 1)).regions.map((r) => [r.code, r.values]))
    : new Map<string, Record<string, unknown>>();
  const regions = (await regionsAssessedIn(db, y)).map((r) => ({
    code: r.code,
    name: r.nameZh,
    values: Object.fromEntries(
      Object.entries(last.get(r.code) ?? {}).map(([k, v]) => [`${PREV_PREFIX}${k}`, v]),
    ),
  }));
  const wb = await dataWorkbook(doc, regions, `${doc.title.zh} 数据模板`);
  return {
    filename: `${doc.family}-${y}-v${version.version}-template.xlsx`,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    body: await workbookBuffer(wb),
  };
}
