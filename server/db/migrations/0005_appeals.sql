-- Appeals and corrections (SPEC section 10, issue 16).
-- users: role `region` bound to one region code (the table is rebuilt: SQLite cannot change a CHECK;
-- sessions are dropped with it, everyone signs in again). dataset_values: source `appeal:<id>` for
-- values corrected by an accepted appeal (rebuilt likewise). runs: `supersedes` (a correction run names
-- the run it corrects; one correction per run) and `corrections` (JSON: the appeals, item adjustments
-- and waivers it applied). New append-only tables: appeals, their evidence and decisions, the appeals a
-- correction run applied, and the consequences recorded with a run.
CREATE TABLE `users_new` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text NOT NULL,
	`locale` text DEFAULT 'zh' NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`region` text REFERENCES `regions`(`code`),
	CONSTRAINT "users_role_check" CHECK("role" IN ('admin', 'editor', 'assessor', 'reviewer', 'region')),
	CONSTRAINT "users_locale_check" CHECK("locale" IN ('zh', 'en')),
	CONSTRAINT "users_region_check" CHECK(("role" = 'region') = ("region" IS NOT NULL))
);
--> statement-breakpoint
INSERT INTO `users_new` (`id`, `username`, `display_name`, `role`, `password_hash`, `locale`, `disabled`, `created_at`, `updated_at`, `region`)
  SELECT `id`, `username`, `display_name`, `role`, `password_hash`, `locale`, `disabled`, `created_at`, `updated_at`, NULL FROM `users`;
--> statement-breakpoint
DELETE FROM `sessions`;--> statement-breakpoint
DROP TABLE `users`;--> statement-breakpoint
ALTER TABLE `users_new` RENAME TO `users`;--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE TABLE `dataset_values_new` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`year` integer NOT NULL,
	`region_code` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`source` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`region_code`) REFERENCES `regions`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "dataset_values_source_check" CHECK("source" IN ('provincial', 'national', 'manual', 'import') OR ("source" GLOB 'appeal:[1-9]*' AND substr("source", 8) NOT GLOB '*[^0-9]*'))
);
--> statement-breakpoint
INSERT INTO `dataset_values_new` SELECT `id`, `year`, `region_code`, `key`, `value`, `source`, `updated_by`, `updated_at` FROM `dataset_values`;--> statement-breakpoint
DROP TABLE `dataset_values`;--> statement-breakpoint
ALTER TABLE `dataset_values_new` RENAME TO `dataset_values`;--> statement-breakpoint
CREATE UNIQUE INDEX `dataset_values_year_region_key` ON `dataset_values` (`year`,`region_code`,`key`);--> statement-breakpoint
ALTER TABLE `runs` ADD `supersedes` integer REFERENCES `runs`(`id`);--> statement-breakpoint
ALTER TABLE `runs` ADD `corrections` text;--> statement-breakpoint
CREATE UNIQUE INDEX `runs_one_correction` ON `runs` (`supersedes`) WHERE `supersedes` IS NOT NULL;--> statement-breakpoint
CREATE TABLE `appeals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL REFERENCES `runs`(`id`),
	`region_code` text NOT NULL REFERENCES `regions`(`code`),
	`target_kind` text NOT NULL,
	`target_id` text NOT NULL,
	`claim` text NOT NULL,
	`requested` text,
	`filed_by` text NOT NULL,
	`filed_at` text NOT NULL,
	`audit_hash` text,
	CONSTRAINT "appeals_target_kind_check" CHECK("target_kind" IN ('input', 'item', 'veto', 'downgrade', 'cap'))
);
--> statement-breakpoint
CREATE INDEX `appeals_run_region` ON `appeals` (`run_id`, `region_code`);--> statement-breakpoint
CREATE TABLE `appeal_evidence` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`appeal_id` integer NOT NULL REFERENCES `appeals`(`id`),
	`filename` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`content` blob NOT NULL,
	`uploaded_by` text NOT NULL,
	`uploaded_at` text NOT NULL,
	CONSTRAINT "appeal_evidence_type_check" CHECK("content_type" IN ('application/pdf', 'image/png', 'image/jpeg')),
	CONSTRAINT "appeal_evidence_size_check" CHECK("size" BETWEEN 1 AND 10485760 AND "size" = length("content"))
);
--> statement-breakpoint
CREATE INDEX `appeal_evidence_appeal` ON `appeal_evidence` (`appeal_id`);--> statement-breakpoint
CREATE TABLE `appeal_decisions` (
	`appeal_id` integer PRIMARY KEY NOT NULL REFERENCES `appeals`(`id`),
	`decision` text NOT NULL,
	`reason` text NOT NULL,
	`value` text,
	`points` real,
	`decided_by` text NOT NULL,
	`decided_at` text NOT NULL,
	`audit_hash` text,
	CONSTRAINT "appeal_decisions_decision_check" CHECK("decision" IN ('accepted', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE `correction_appeals` (
	`appeal_id` integer PRIMARY KEY NOT NULL REFERENCES `appeals`(`id`),
	`run_id` integer NOT NULL REFERENCES `runs`(`id`)
);
--> statement-breakpoint
CREATE TABLE `run_consequences` (
	`run_id` integer PRIMARY KEY NOT NULL REFERENCES `runs`(`id`),
	`config` text NOT NULL,
	`lists` text NOT NULL,
	`recorded_by` text NOT NULL,
	`recorded_at` text NOT NULL,
	`audit_hash` text
);
--> statement-breakpoint
CREATE TRIGGER `appeal_decisions_four_eyes`
BEFORE INSERT ON `appeal_decisions`
WHEN NEW.`decided_by` = (SELECT `filed_by` FROM `appeals` WHERE `id` = NEW.`appeal_id`)
BEGIN
  SELECT RAISE(ABORT, 'four_eyes: an appeal cannot be decided by the person who filed it');
END;
--> statement-breakpoint
CREATE TRIGGER `appeal_evidence_open_only`
BEFORE INSERT ON `appeal_evidence`
WHEN EXISTS (SELECT 1 FROM `appeal_decisions` WHERE `appeal_id` = NEW.`appeal_id`)
BEGIN
  SELECT RAISE(ABORT, 'immutable: evidence cannot be added to a decided appeal');
END;
--> statement-breakpoint
CREATE TRIGGER `appeals_append_only_update` BEFORE UPDATE ON `appeals`
BEGIN SELECT RAISE(ABORT, 'immutable: an appeal cannot be changed'); END;
--> statement-breakpoint
CREATE TRIGGER `appeals_append_only_delete` BEFORE DELETE ON `appeals`
BEGIN SELECT RAISE(ABORT, 'immutable: an appeal cannot be deleted'); END;
--> statement-breakpoint
CREATE TRIGGER `appeals_replace_guard` BEFORE INSERT ON `appeals`
WHEN EXISTS (SELECT 1 FROM `appeals` WHERE `id` = NEW.`id`)
BEGIN SELECT RAISE(ABORT, 'immutable: an appeal cannot be replaced'); END;
--> statement-breakpoint
CREATE TRIGGER `appeal_evidence_append_only_update` BEFORE UPDATE ON `appeal_evidence`
BEGIN SELECT RAISE(ABORT, 'immutable: evidence cannot be changed'); END;
--> statement-breakpoint
CREATE TRIGGER `appeal_evidence_append_only_delete` BEFORE DELETE ON `appeal_evidence`
BEGIN SELECT RAISE(ABORT, 'immutable: evidence cannot be deleted'); END;
--> statement-breakpoint
CREATE TRIGGER `appeal_evidence_replace_guard` BEFORE INSERT ON `appeal_evidence`
WHEN EXISTS (SELECT 1 FROM `appeal_evidence` WHERE `id` = NEW.`id`)
BEGIN SELECT RAISE(ABORT, 'immutable: evidence cannot be replaced'); END;
--> statement-breakpoint
CREATE TRIGGER `appeal_decisions_append_only_update` BEFORE UPDATE ON `appeal_decisions`
BEGIN SELECT RAISE(ABORT, 'immutable: a decision cannot be changed'); END;
--> statement-breakpoint
CREATE TRIGGER `appeal_decisions_append_only_delete` BEFORE DELETE ON `appeal_decisions`
BEGIN SELECT RAISE(ABORT, 'immutable: a decision cannot be deleted'); END;
--> statement-breakpoint
CREATE TRIGGER `appeal_decisions_replace_guard` BEFORE INSERT ON `appeal_decisions`
WHEN EXISTS (SELECT 1 FROM `appeal_decisions` WHERE `appeal_id` = NEW.`appeal_id`)
BEGIN SELECT RAISE(ABORT, 'immutable: a decision cannot be replaced'); END;
--> statement-breakpoint
CREATE TRIGGER `correction_appeals_append_only_update` BEFORE UPDATE ON `correction_appeals`
BEGIN SELECT RAISE(ABORT, 'immutable: a correction link cannot be changed'); END;
--> statement-breakpoint
CREATE TRIGGER `correction_appeals_append_only_delete` BEFORE DELETE ON `correction_appeals`
BEGIN SELECT RAISE(ABORT, 'immutable: a correction link cannot be deleted'); END;
--> statement-breakpoint
CREATE TRIGGER `correction_appeals_replace_guard` BEFORE INSERT ON `correction_appeals`
WHEN EXISTS (SELECT 1 FROM `correction_appeals` WHERE `appeal_id` = NEW.`appeal_id`)
BEGIN SELECT RAISE(ABORT, 'immutable: a correction link cannot be replaced'); END;
--> statement-breakpoint
CREATE TRIGGER `run_consequences_append_only_update` BEFORE UPDATE ON `run_consequences`
BEGIN SELECT RAISE(ABORT, 'immutable: recorded consequences cannot be changed'); END;
--> statement-breakpoint
CREATE TRIGGER `run_consequences_append_only_delete` BEFORE DELETE ON `run_consequences`
BEGIN SELECT RAISE(ABORT, 'immutable: recorded consequences cannot be deleted'); END;
--> statement-breakpoint
CREATE TRIGGER `run_consequences_replace_guard` BEFORE INSERT ON `run_consequences`
WHEN EXISTS (SELECT 1 FROM `run_consequences` WHERE `run_id` = NEW.`run_id`)
BEGIN SELECT RAISE(ABORT, 'immutable: recorded consequences cannot be replaced'); END;
--> statement-breakpoint
-- A published correction run (更正) is the result of its year after the run it supersedes: one
-- original publication per family and year, and at most one published correction per run.
ALTER TABLE `run_publications` ADD `supersedes` integer REFERENCES `runs`(`id`);--> statement-breakpoint
DROP INDEX `run_publications_one_published`;--> statement-breakpoint
CREATE UNIQUE INDEX `run_publications_one_published` ON `run_publications` (`family`,`year`) WHERE status = 'published' AND supersedes IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `run_publications_one_correction` ON `run_publications` (`supersedes`) WHERE status = 'published' AND supersedes IS NOT NULL;
