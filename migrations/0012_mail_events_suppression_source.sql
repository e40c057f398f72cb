CREATE TABLE `mail_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`dedup_key` text NOT NULL,
	`kind` text NOT NULL,
	`bounce_type` text,
	`email` text NOT NULL,
	`recipient_domain` text NOT NULL,
	`store` text,
	`send_id` integer,
	`message_id` text,
	`detail` text,
	`occurred_at` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mail_events_source_dedup_uq` ON `mail_events` (`source`,`dedup_key`);--> statement-breakpoint
CREATE INDEX `mail_events_send_idx` ON `mail_events` (`send_id`);--> statement-breakpoint
CREATE INDEX `mail_events_occurred_idx` ON `mail_events` (`occurred_at`);--> statement-breakpoint
ALTER TABLE `suppressions` ADD `send_id` integer;--> statement-breakpoint
ALTER TABLE `suppressions` ADD `message_id` text;