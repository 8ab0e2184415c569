-- Login throttling in the database (issue 20): failed sign-ins per key, shared by every server
-- process on the same database, so a second process does not give an attacker fresh attempts.
CREATE TABLE `login_throttle` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`last_failure` integer NOT NULL,
	`locked_until` integer NOT NULL
);
