-- Immutability enforced by the database itself (issue 3): a published or retired rule version never
-- changes except for the one allowed transition published -> retired (which only sets retired_at and
-- retired_by); only drafts can be deleted; a finished run and its results/errors never change; the
-- audit log is append-only; a family's version counter only grows.
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
  )
BEGIN
  SELECT RAISE(ABORT, 'immutable: a published or retired rule version cannot be changed (only published -> retired is allowed)');
END;
--> statement-breakpoint
CREATE TRIGGER `rule_versions_immutable_delete`
BEFORE DELETE ON `rule_versions`
WHEN OLD.`status` <> 'draft'
BEGIN
  SELECT RAISE(ABORT, 'immutable: only draft rule versions can be deleted');
END;
--> statement-breakpoint
CREATE TRIGGER `rule_versions_published_complete`
BEFORE UPDATE OF `status` ON `rule_versions`
WHEN OLD.`status` = 'draft' AND NEW.`status` = 'published'
  AND (NEW.`published_at` IS NULL OR NEW.`published_by` IS NULL)
BEGIN
  SELECT RAISE(ABORT, 'invalid: publishing a rule version records who and when');
END;
--> statement-breakpoint
CREATE TRIGGER `rule_families_version_grows`
BEFORE UPDATE ON `rule_families`
WHEN NEW.`last_version` < OLD.`last_version` OR NEW.`family` IS NOT OLD.`family`
BEGIN
  SELECT RAISE(ABORT, 'immutable: a rule family''s version numbers only grow');
END;
--> statement-breakpoint
CREATE TRIGGER `runs_immutable_update`
BEFORE UPDATE ON `runs`
WHEN OLD.`status` = 'finished'
BEGIN
  SELECT RAISE(ABORT, 'immutable: a finished run cannot be changed');
END;
--> statement-breakpoint
CREATE TRIGGER `runs_immutable_delete`
BEFORE DELETE ON `runs`
WHEN OLD.`status` = 'finished'
BEGIN
  SELECT RAISE(ABORT, 'immutable: a finished run cannot be deleted');
END;
--> statement-breakpoint
CREATE TRIGGER `run_results_immutable_insert`
BEFORE INSERT ON `run_results`
WHEN (SELECT `status` FROM `runs` WHERE `id` = NEW.`run_id`) = 'finished'
BEGIN
  SELECT RAISE(ABORT, 'immutable: results cannot be added to a finished run');
END;
--> statement-breakpoint
CREATE TRIGGER `run_results_immutable_update`
BEFORE UPDATE ON `run_results`
WHEN (SELECT `status` FROM `runs` WHERE `id` = OLD.`run_id`) = 'finished'
  OR (SELECT `status` FROM `runs` WHERE `id` = NEW.`run_id`) = 'finished'
BEGIN
  SELECT RAISE(ABORT, 'immutable: the results of a finished run cannot be changed');
END;
--> statement-breakpoint
CREATE TRIGGER `run_results_immutable_delete`
BEFORE DELETE ON `run_results`
WHEN (SELECT `status` FROM `runs` WHERE `id` = OLD.`run_id`) = 'finished'
BEGIN
  SELECT RAISE(ABORT, 'immutable: the results of a finished run cannot be deleted');
END;
--> statement-breakpoint
CREATE TRIGGER `run_errors_immutable_insert`
BEFORE INSERT ON `run_errors`
WHEN (SELECT `status` FROM `runs` WHERE `id` = NEW.`run_id`) = 'finished'
BEGIN
  SELECT RAISE(ABORT, 'immutable: errors cannot be added to a finished run');
END;
--> statement-breakpoint
CREATE TRIGGER `run_errors_immutable_update`
BEFORE UPDATE ON `run_errors`
WHEN (SELECT `status` FROM `runs` WHERE `id` = OLD.`run_id`) = 'finished'
  OR (SELECT `status` FROM `runs` WHERE `id` = NEW.`run_id`) = 'finished'
BEGIN
  SELECT RAISE(ABORT, 'immutable: the errors of a finished run cannot be changed');
END;
--> statement-breakpoint
CREATE TRIGGER `run_errors_immutable_delete`
BEFORE DELETE ON `run_errors`
WHEN (SELECT `status` FROM `runs` WHERE `id` = OLD.`run_id`) = 'finished'
BEGIN
  SELECT RAISE(ABORT, 'immutable: the errors of a finished run cannot be deleted');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_append_only_update`
BEFORE UPDATE ON `audit_log`
BEGIN
  SELECT RAISE(ABORT, 'immutable: the audit log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_append_only_delete`
BEFORE DELETE ON `audit_log`
BEGIN
  SELECT RAISE(ABORT, 'immutable: the audit log is append-only');
END;
