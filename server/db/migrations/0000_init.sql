CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`user` text NOT NULL,
	`action` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`before_hash` text,
	`after_hash` text,
	`detail` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_log_entity` ON `audit_log` (`entity`,`entity_id`);--> statement-breakpoint
CREATE INDEX `audit_log_user` ON `audit_log` (`user`);--> statement-breakpoint
CREATE INDEX `audit_log_action` ON `audit_log` (`action`);--> statement-breakpoint
CREATE TABLE `dataset_values` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`year` integer NOT NULL,
	`region_code` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`source` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`region_code`) REFERENCES `regions`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "dataset_values_source_check" CHECK("dataset_values"."source" IN ('provincial', 'national', 'manual', 'import'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dataset_values_year_region_key` ON `dataset_values` (`year`,`region_code`,`key`);--> statement-breakpoint
CREATE TABLE `regions` (
	`code` text PRIMARY KEY NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text DEFAULT '' NOT NULL,
	`kind` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`years` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `regions_position` ON `regions` (`position`);--> statement-breakpoint
CREATE TABLE `rule_families` (
	`family` text PRIMARY KEY NOT NULL,
	`last_version` integer DEFAULT 0 NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rule_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`family` text NOT NULL,
	`year` integer NOT NULL,
	`version` integer NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`document` text NOT NULL,
	`content_hash` text NOT NULL,
	`parent_id` integer,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	`published_by` text,
	`published_at` text,
	`retired_by` text,
	`retired_at` text,
	`doc_number` text,
	`effective_date` text,
	FOREIGN KEY (`family`) REFERENCES `rule_families`(`family`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`parent_id`) REFERENCES `rule_versions`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "rule_versions_status_check" CHECK("rule_versions"."status" IN ('draft', 'published', 'retired')),
	CONSTRAINT "rule_versions_revision_check" CHECK("rule_versions"."revision" >= 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rule_versions_family_version` ON `rule_versions` (`family`,`version`);--> statement-breakpoint
CREATE INDEX `rule_versions_family_year` ON `rule_versions` (`family`,`year`);--> statement-breakpoint
CREATE UNIQUE INDEX `rule_versions_one_published` ON `rule_versions` (`family`,`year`) WHERE status = 'published';--> statement-breakpoint
CREATE TABLE `run_errors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`position` integer NOT NULL,
	`region_code` text NOT NULL,
	`error` text NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `run_errors_run_position` ON `run_errors` (`run_id`,`position`);--> statement-breakpoint
CREATE TABLE `run_results` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`position` integer NOT NULL,
	`region_code` text NOT NULL,
	`rank` integer NOT NULL,
	`grade` text NOT NULL,
	`total` real NOT NULL,
	`result` text NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `run_results_run_region` ON `run_results` (`run_id`,`region_code`);--> statement-breakpoint
CREATE UNIQUE INDEX `run_results_run_position` ON `run_results` (`run_id`,`position`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`version_id` integer NOT NULL,
	`year` integer NOT NULL,
	`status` text NOT NULL,
	`document_hash` text NOT NULL,
	`dataset_hash` text NOT NULL,
	`dataset` text NOT NULL,
	`engine_version` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`scored` integer DEFAULT 0 NOT NULL,
	`error_count` integer DEFAULT 0 NOT NULL,
	`by_grade` text NOT NULL,
	`warnings` text DEFAULT '[]' NOT NULL,
	FOREIGN KEY (`version_id`) REFERENCES `rule_versions`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "runs_status_check" CHECK("runs"."status" IN ('running', 'finished'))
);
--> statement-breakpoint
CREATE INDEX `runs_year` ON `runs` (`year`);--> statement-breakpoint
CREATE INDEX `runs_version_id` ON `runs` (`version_id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_id` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE INDEX `sessions_expires_at` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text NOT NULL,
	`locale` text DEFAULT 'zh' NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "users_role_check" CHECK("users"."role" IN ('admin', 'editor', 'assessor', 'reviewer')),
	CONSTRAINT "users_locale_check" CHECK("users"."locale" IN ('zh', 'en'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);