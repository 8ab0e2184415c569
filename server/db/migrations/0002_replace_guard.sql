-- Forgery by REPLACE refused by the database itself (issue 11). `INSERT OR REPLACE` / `REPLACE INTO`
-- (and `INSERT … ON CONFLICT REPLACE`) delete the conflicting row WITHOUT firing DELETE triggers
-- (unless the recursive_triggers pragma is on), so the immutability triggers of
-- 0001_immutability.sql could be bypassed. These BEFORE INSERT triggers refuse any insert that
-- names an existing immutable row, whatever its conflict clause, so they hold for a raw sqlite3
-- client with no pragma. Plain inserts never hit them: the application inserts new ids only.
CREATE TRIGGER `audit_log_replace_guard`
BEFORE INSERT ON `audit_log`
WHEN EXISTS (SELECT 1 FROM `audit_log` WHERE `id` = NEW.`id`)
BEGIN
  SELECT RAISE(ABORT, 'immutable: the audit log is append-only (an existing entry cannot be replaced)');
END;
--> statement-breakpoint
CREATE TRIGGER `rule_versions_replace_guard`
BEFORE INSERT ON `rule_versions`
WHEN EXISTS (
  SELECT 1 FROM `rule_versions`
  WHERE `status` IN ('published', 'retired')
    AND (`id` = NEW.`id` OR (`family` = NEW.`family` AND `version` = NEW.`version`))
) OR (
  NEW.`status` = 'published' AND EXISTS (
    SELECT 1 FROM `rule_versions`
    WHERE `status` = 'published' AND `family` = NEW.`family` AND `year` = NEW.`year`
  )
)
BEGIN
  SELECT RAISE(ABORT, 'immutable: a published or retired rule version cannot be replaced');
END;
--> statement-breakpoint
CREATE TRIGGER `rule_families_replace_guard`
BEFORE INSERT ON `rule_families`
WHEN EXISTS (SELECT 1 FROM `rule_families` WHERE `family` = NEW.`family`)
BEGIN
  SELECT RAISE(ABORT, 'immutable: a rule family cannot be replaced (its version numbers only grow)');
END;
--> statement-breakpoint
CREATE TRIGGER `runs_replace_guard`
BEFORE INSERT ON `runs`
WHEN EXISTS (SELECT 1 FROM `runs` WHERE `id` = NEW.`id` AND `status` = 'finished')
BEGIN
  SELECT RAISE(ABORT, 'immutable: a finished run cannot be replaced');
END;
--> statement-breakpoint
CREATE TRIGGER `run_results_replace_guard`
BEFORE INSERT ON `run_results`
WHEN EXISTS (
  SELECT 1 FROM `run_results` AS r JOIN `runs` ON `runs`.`id` = r.`run_id`
  WHERE `runs`.`status` = 'finished'
    AND (r.`id` = NEW.`id`
      OR (r.`run_id` = NEW.`run_id` AND (r.`region_code` = NEW.`region_code` OR r.`position` = NEW.`position`)))
)
BEGIN
  SELECT RAISE(ABORT, 'immutable: the results of a finished run cannot be replaced');
END;
--> statement-breakpoint
CREATE TRIGGER `run_errors_replace_guard`
BEFORE INSERT ON `run_errors`
WHEN EXISTS (
  SELECT 1 FROM `run_errors` AS e JOIN `runs` ON `runs`.`id` = e.`run_id`
  WHERE `runs`.`status` = 'finished'
    AND (e.`id` = NEW.`id` OR (e.`run_id` = NEW.`run_id` AND e.`position` = NEW.`position`))
)
BEGIN
  SELECT RAISE(ABORT, 'immutable: the errors of a finished run cannot be replaced');
END;
