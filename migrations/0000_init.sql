CREATE TABLE `orders` (
	`order_id` text PRIMARY KEY NOT NULL,
	`store` text NOT NULL,
	`buyer_name` text NOT NULL,
	`buyer_email` text NOT NULL,
	`buyer_locale` text NOT NULL,
	`buyer_timezone` text NOT NULL,
	`country` text NOT NULL,
	`carrier` text NOT NULL,
	`tracking_number` text NOT NULL,
	`shipped_at` integer NOT NULL,
	`state` text DEFAULT 'active' NOT NULL,
	`state_reason` text,
	`stage_rank` integer DEFAULT 0 NOT NULL,
	`last_event_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `orders_tracking_idx` ON `orders` (`tracking_number`);--> statement-breakpoint
CREATE INDEX `orders_store_idx` ON `orders` (`store`);--> statement-breakpoint
CREATE TABLE `sends` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` text NOT NULL,
	`milestone` text NOT NULL,
	`resend_of` integer,
	`status` text NOT NULL,
	`due_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`queued_at` integer,
	`claimed_at` integer,
	`sent_at` integer,
	`message_id` text,
	`smtp_response` text,
	`subject` text,
	`template` text,
	`locale` text,
	`reason` text,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`order_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sends_order_milestone_uq` ON `sends` (`order_id`,`milestone`) WHERE "sends"."resend_of" IS NULL;--> statement-breakpoint
CREATE INDEX `sends_status_due_idx` ON `sends` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `sends_order_idx` ON `sends` (`order_id`);--> statement-breakpoint
CREATE TABLE `suppressions` (
	`email` text PRIMARY KEY NOT NULL,
	`scope` text NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tracking_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`provider` text NOT NULL,
	`dedup_key` text NOT NULL,
	`tracking_number` text NOT NULL,
	`carrier` text,
	`order_id` text,
	`provider_status` text,
	`milestone` text,
	`occurred_at` integer,
	`received_at` integer NOT NULL,
	`processed_at` integer,
	`outcome` text,
	`raw` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tracking_events_dedup_uq` ON `tracking_events` (`provider`,`dedup_key`);--> statement-breakpoint
CREATE INDEX `tracking_events_number_idx` ON `tracking_events` (`tracking_number`);--> statement-breakpoint
CREATE INDEX `tracking_events_order_idx` ON `tracking_events` (`order_id`);