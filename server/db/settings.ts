/**
 * Settings of the official documents (公文): who issues them, the 文号 abbreviation, 主送, 抄送,
 * 印发机关 and the 落款 of each document kind. Stored as one JSON row (`settings.key = 'documents'`);
 * without a row the plan's defaults apply (the 通报 is issued by 吉林省人民政府 and copied to
 * 省纪委监委 and 省委组织部). Writing is one transaction with its audit row.
 */
import { transaction } from './dialect.ts';
import { eq } from 'drizzle-orm';
import { contentHash } from '../../engine/index.ts';
import { appendAudit, nowIso, type Tx } from './audit.ts';
import type { Db } from './client.ts';
import { settings } from './schema.ts';

export const DOCUMENT_KINDS = ['notice', 'statement', 'letter', 'correction'] as const;

export interface DocumentSettings {
  /** 发文机关 (full name). */
  issuer: string;
  /** 发文机关标志, printed in red at the head (`吉林省人民政府文件`). */
  issuerMark: string;
  /** 机关代字 for 发文字号 (`吉环考` in `吉环考〔2026〕3号`), used when a 文号 is still missing. */
  abbreviation: string;
  /** 主送机关. */
  addressee: string;
  /** 抄送机关, in order. */
  cc: string[];
  /** 印发机关. */
  printer: string;
  /** 落款 (发文机关署名) per document kind. */
  signatures: Record<(typeof DOCUMENT_KINDS)[number], string>;
  updatedBy?: string;
  updatedAt?: string;
}

/** The plan's defaults (《吉林省2021-2025年政府生态环境保护目标责任制工作实施方案》, 四(四) and 五). */
export const DEFAULT_DOCUMENT_SETTINGS: DocumentSettings = {
  issuer: '吉林省人民政府',
  issuerMark: '吉林省人民政府文件',
  abbreviation: '吉环考',
  addressee: '各市（州）人民政府，长白山管委会，各扩权强县试点市人民政府',
  cc: ['省纪委监委', '省委组织部'],
  printer: '吉林省人民政府办公厅',
  signatures: {
    notice: '吉林省人民政府',
    statement: '吉林省生态环境厅',
    letter: '吉林省人民政府',
    correction: '吉林省人民政府',
  },
};

const KEY = 'documents';
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max, pattern: '\\S' });

/** The JSON schema of the settings as PUT takes them (every field required, bounded). */
export const documentSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['issuer', 'issuerMark', 'abbreviation', 'addressee', 'cc', 'printer', 'signatures'],
  properties: {
    issuer: text(60),
    issuerMark: text(60),
    abbreviation: { type: 'string', minLength: 1, maxLength: 12, pattern: '^[^\\s〔〕\\[\\]()（）]+$' },
    addressee: text(300),
    cc: { type: 'array', maxItems: 20, items: text(60) },
    printer: text(60),
    signatures: {
      type: 'object',
      additionalProperties: false,
      required: [...DOCUMENT_KINDS],
      properties: Object.fromEntries(DOCUMENT_KINDS.map((k) => [k, text(60)])),
    },
    updatedBy: { type: 'string' },
    updatedAt: { type: 'string' },
  },
};

/** The settings in force (the defaults merged under the stored value). */
export async function getDocumentSettings(db: Tx): Promise<DocumentSettings> {
  const row = await db.select().from(settings).where(eq(settings.key, KEY)).get();
  if (!row) return structuredClone(DEFAULT_DOCUMENT_SETTINGS);
  const stored = JSON.parse(row.value) as Partial<DocumentSettings>;
  return {
    ...structuredClone(DEFAULT_DOCUMENT_SETTINGS),
    ...stored,
    signatures: { ...DEFAULT_DOCUMENT_SETTINGS.signatures, ...stored.signatures },
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt,
  };
}

/** Replaces the settings (strings trimmed) and audits the change as `settings.update`. */
export async function saveDocumentSettings(
  db: Db,
  input: DocumentSettings,
  actor: string,
): Promise<DocumentSettings> {
  const value: DocumentSettings = {
    issuer: input.issuer.trim(),
    issuerMark: input.issuerMark.trim(),
    abbreviation: input.abbreviation.trim(),
    addressee: input.addressee.trim(),
    cc: input.cc.map((s) => s.trim()),
    printer: input.printer.trim(),
    signatures: Object.fromEntries(
      DOCUMENT_KINDS.map((k) => [k, input.signatures[k].trim()]),
    ) as DocumentSettings['signatures'],
  };
  return await transaction(db, async (tx) => {
    const before = await getDocumentSettings(tx);
    const { updatedBy: _b, updatedAt: _a, ...beforeValue } = before;
    const at = nowIso();
    const json = JSON.stringify(value);
    await tx
      .insert(settings)
      .values({ key: KEY, value: json, updatedBy: actor, updatedAt: at })
      .onConflictDoUpdate({ target: settings.key, set: { value: json, updatedBy: actor, updatedAt: at } })
      .run();
    const changed = Object.keys(value).filter(
      (k) =>
        JSON.stringify(value[k as keyof typeof value]) !==
        JSON.stringify(beforeValue[k as keyof typeof beforeValue]),
    );
    await appendAudit(tx, {
      user: actor,
      action: 'settings.update',
      entity: 'settings',
      entityId: KEY,
      beforeHash: contentHash(beforeValue),
      afterHash: contentHash(value),
      detail: { changed, before: beforeValue, after: value },
      at,
    });
    return { ...value, updatedBy: actor, updatedAt: at };
  });
}
