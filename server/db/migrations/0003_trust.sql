-- Four eyes and tamper evidence (SPEC section 11, issue 14).
-- rule_versions: who asked for publication and when (a pending request locks the draft), whether four
-- eyes applied, the Ed25519 signature of the content hash and the audit hash of the approving entry.
-- runs: the hash of their results, the audit hash of the entry that finished them, their signed seal.
-- audit_log: the hash chain. New tables: signing keys, run publications, cell-level data changes.
ALTER TABLE `rule_versions` ADD `requested_by` text;--> statement-breakpoint
ALTER TABLE `rule_versions` ADD `requested_at` text;--> statement-breakpoint
ALTER TABLE `rule_versions` ADD `four_eyes` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `rule_versions` ADD `key_id` text;--> statement-breakpoint
ALTER TABLE `rule_versions` ADD `signature` text;--> statement-breakpoint
ALTER TABLE `rule_versions` ADD `approval_audit_hash` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `results_hash` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `audit_hash` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `key_id` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `signature` text;--> statement-breakpoint
ALTER TABLE `audit_log` ADD `hash` text;--> statement-breakpoint
CREATE UNIQUE INDEX `audit_log_hash` ON `audit_log` (`hash`);--> statement-breakpoint
CREATE TABLE `signing_keys` (
	`key_id` text PRIMARY KEY NOT NULL,
	`algorithm` text NOT NULL,
	`public_key` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `run_publications` (
	`run_id` integer PRIMARY KEY NOT NULL,
	`family` text NOT NULL,
	`year` integer NOT NULL,
	`status` text NOT NULL,
	`doc_number` text NOT NULL,
	`published_on` text NOT NULL,
	`appeal_days` integer NOT NULL,
	`appeal_ends_on` text NOT NULL,
	`requested_by` text NOT NULL,
	`requested_at` text NOT NULL,
	`approved_by` text,
	`approved_at` text,
	`four_eyes` integer DEFAULT 1 NOT NULL,
	`key_id` text,
	`signature` text,
	`audit_hash` text,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "run_publications_status_check" CHECK("run_publications"."status" IN ('pending', 'published')),
	CONSTRAINT "run_publications_appeal_days_check" CHECK("run_publications"."appeal_days" BETWEEN 0 AND 365)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `run_publications_one_published` ON `run_publications` (`family`,`year`) WHERE status = 'published';--> statement-breakpoint
CREATE TABLE `data_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`audit_id` integer NOT NULL,
	`year` integer NOT NULL,
	`region_code` text NOT NULL,
	`key` text NOT NULL,
	`before` text,
	`after` text,
	`before_source` text,
	`after_source` text,
	`user` text NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`audit_id`) REFERENCES `audit_log`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `data_changes_cell` ON `data_changes` (`year`,`region_code`,`key`);--> statement-breakpoint
CREATE INDEX `data_changes_audit` ON `data_changes` (`audit_id`);--> statement-breakpoint
-- Versions published before four eyes existed were published by one person.
DROP TRIGGER `rule_versions_immutable_update`;--> statement-breakpoint
UPDATE `rule_versions` SET `four_eyes` = 0 WHERE `status` <> 'draft';--> statement-breakpoint
CREATE TRIGGER `rule_versions_immutable_update`
BEFORE UPDATE ON `rule_versions`
WHEN OLD.`status` IN ('published', 'retired')
  AND NOT (
    OLD.`status` = 'published' AND NEW.`status` = 'retired'
    AND OLD.`retired_at` IS NULL AND NEW.`retired_at` IS NOT NULL AND NEW.`retired_by` IS NOT NULL
    AND NEW.`id` IS OLD.`id` AND NEW.`family` IS OLD.`family` AND NEW.`year` IS OLD.`year`
    AND NEW.`version` IS OLD.`version` AND NEW.`revision` IS OLD.`revision`
    AND NEW.`document` IS OLD.`document` AND NEW.`content_hash` IS OLD.`content_hash`
    AND NEW.`parent_id` IS OLD.`parent_id`
    AND NEW.`created_by` IS OLD.`created_by` AND NEW.`created_at` IS OLD.`created_at`
    AND NEW.`updated_by` IS OLD.`updated_by` AND NEW.`updated_at` IS OLD.`updated_at`
    AND NEW.`published_by` IS OLD.`published_by` AND NEW.`published_at` IS OLD.`published_at`
    AND NEW.`doc_number` IS OLD.`doc_number` AND NEW.`effective_date` IS OLD.`effective_date`
    AND NEW.`requested_by` IS OLD.`requested_by` AND NEW.`requested_at` IS OLD.`requested_at`
    AND NEW.`four_eyes` IS OLD.`four_eyes` AND NEW.`key_id` IS OLD.`key_id`
    AND NEW.`signature` IS OLD.`signature` AND NEW.`approval_audit_hash` IS OLD.`approval_audit_hash`
  )
BEGIN
  SELECT RAISE(ABORT, 'immutable: a published or retired rule version cannot be changed (only published -> retired is allowed)');
END;
--> statement-breakpoint
CREATE TRIGGER `rule_versions_pending_locked`
BEFORE UPDATE ON `rule_versions`
WHEN OLD.`status` = 'draft' AND OLD.`requested_at` IS NOT NULL AND NEW.`requested_at` IS NOT NULL
  AND (NEW.`document` IS NOT OLD.`document` OR NEW.`content_hash` IS NOT OLD.`content_hash`
    OR NEW.`revision` IS NOT OLD.`revision` OR NEW.`year` IS NOT OLD.`year`)
BEGIN
  SELECT RAISE(ABORT, 'immutable: a draft awaiting approval cannot be edited (withdraw the request first)');
END;
--> statement-breakpoint
CREATE TRIGGER `rule_versions_four_eyes_update`
BEFORE UPDATE ON `rule_versions`
WHEN NEW.`status` = 'published' AND OLD.`status` <> 'published'
  AND (NEW.`requested_by` IS NULL OR NEW.`published_by` IS NULL OR NEW.`doc_number` IS NULL
    OR NEW.`effective_date` IS NULL
    OR (NEW.`four_eyes` <> 0 AND NEW.`requested_by` = NEW.`published_by`))
BEGIN
  SELECT RAISE(ABORT, 'four_eyes: a published rule version needs a requester, a different approver, a docNumber and an effective date');
END;
--> statement-breakpoint
CREATE TRIGGER `rule_versions_four_eyes_insert`
BEFORE INSERT ON `rule_versions`
WHEN NEW.`status` <> 'draft'
  AND (NEW.`requested_by` IS NULL OR NEW.`published_by` IS NULL OR NEW.`doc_number` IS NULL
    OR NEW.`effective_date` IS NULL
    OR (NEW.`four_eyes` <> 0 AND NEW.`requested_by` = NEW.`published_by`))
BEGIN
  SELECT RAISE(ABORT, 'four_eyes: a published rule version needs a requester, a different approver, a docNumber and an effective date');
END;
--> statement-breakpoint
CREATE TRIGGER `run_publications_four_eyes_insert`
BEFORE INSERT ON `run_publications`
WHEN NEW.`status` = 'published'
  AND (NEW.`approved_by` IS NULL OR (NEW.`four_eyes` <> 0 AND NEW.`approved_by` = NEW.`requested_by`))
BEGIN
  SELECT RAISE(ABORT, 'four_eyes: a published run needs an approver other than its requester');
END;
--> statement-breakpoint
CREATE TRIGGER `run_publications_four_eyes_update`
BEFORE UPDATE ON `run_publications`
WHEN NEW.`status` = 'published'
  AND (NEW.`approved_by` IS NULL OR (NEW.`four_eyes` <> 0 AND NEW.`approved_by` = NEW.`requested_by`))
BEGIN
  SELECT RAISE(ABORT, 'four_eyes: a published run needs an approver other than its requester');
END;
--> statement-breakpoint
CREATE TRIGGER `run_publications_immutable_update`
BEFORE UPDATE ON `run_publications`
WHEN OLD.`status` = 'published'
BEGIN
  SELECT RAISE(ABORT, 'immutable: a run publication cannot be changed');
END;
--> statement-breakpoint
CREATE TRIGGER `run_publications_immutable_delete`
BEFORE DELETE ON `run_publications`
WHEN OLD.`status` = 'published'
BEGIN
  SELECT RAISE(ABORT, 'immutable: a run publication cannot be deleted');
END;
--> statement-breakpoint
CREATE TRIGGER `data_changes_append_only_update`
BEFORE UPDATE ON `data_changes`
BEGIN
  SELECT RAISE(ABORT, 'immutable: the data change log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `data_changes_append_only_delete`
BEFORE DELETE ON `data_changes`
BEGIN
  SELECT RAISE(ABORT, 'immutable: the data change log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `signing_keys_append_only_update`
BEFORE UPDATE ON `signing_keys`
BEGIN
  SELECT RAISE(ABORT, 'immutable: signing keys cannot be changed');
END;
--> statement-breakpoint
CREATE TRIGGER `signing_keys_append_only_delete`
BEFORE DELETE ON `signing_keys`
BEGIN
  SELECT RAISE(ABORT, 'immutable: signing keys cannot be deleted');
END;
