/**
 * Trust at start-up and on failure: the signing key is loaded or created (and recorded in the
 * database), the four-eyes setting is audited whenever it differs from the last recorded one, and an
 * integrity failure met while serving a request is written to the audit log.
 */
import { transaction } from '../db/dialect.ts';
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { appendAudit, appendAuditAlone } from '../db/audit.ts';
import { auditLog } from '../db/schema.ts';
import { IntegrityError } from './errors.ts';
import { recordKey, setSigner, signerFor, type Signer } from './keys.ts';

export async function initTrust(db: Db, opts: { fourEyes: boolean; signer?: Signer }): Promise<Signer> {
  if (opts.signer) setSigner(db, opts.signer);
  const signer = signerFor(db);
  await transaction(db, async (tx) => {
    await recordKey(tx, signer);
    const last = await tx
      .select({ detail: auditLog.detail })
      .from(auditLog)
      .where(eq(auditLog.action, 'config.four_eyes'))
      .orderBy(desc(auditLog.id))
      .limit(1)
      .get();
    const recorded = last ? (last.detail as { enabled?: unknown }).enabled : true;
    if (recorded !== opts.fourEyes)
      await appendAudit(tx, {
        user: 'system',
        action: 'config.four_eyes',
        entity: 'config',
        entityId: 'four_eyes',
        detail: {
          enabled: opts.fourEyes,
          setting: 'ECOSCORE_FOUR_EYES',
          note: opts.fourEyes
            ? '四眼原则已开启 / four eyes on'
            : '四眼原则已关闭(单人安装) / four eyes off (one-person installation)',
        },
      });
  });
  return signer;
}

/** Audits an IntegrityError (`integrity.violation`); other errors are ignored. Never throws. */
export async function recordIntegrityFailure(
  db: Db,
  error: unknown,
  user: string | undefined,
  request: string,
  log: (line: string) => void,
): Promise<void> {
  if (!(error instanceof IntegrityError)) return;
  log(`INTEGRITY ${request}: ${error.table} ${error.id} ${error.problem}: ${error.message}`);
  try {
    await appendAuditAlone(db, {
      user: user ?? 'anonymous',
      action: 'integrity.violation',
      entity: error.table,
      entityId: error.id,
      detail: { code: error.problem, message: error.message, request },
    });
  } catch (e) {
    log(`INTEGRITY audit failed: ${(e as Error).message}`);
  }
}
