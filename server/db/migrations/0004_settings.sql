-- Settings (issue 17): one row per settings group (`documents`: the issuing body, 文号 abbreviation,
-- 主送, 抄送, 印发机关 and the 落款 of each document kind), its value a JSON object. A group without
-- a row uses the built-in defaults.
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL
);
