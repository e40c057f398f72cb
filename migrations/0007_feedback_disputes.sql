CREATE TABLE `disputes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` text NOT NULL,
	`seq` integer NOT NULL,
	`reason` text NOT NULL,
	`opened_at` integer NOT NULL,
	`closed_at` integer,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`order_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `disputes_order_seq_uq` ON `disputes` (`order_id`,`seq`);--> statement-breakpoint
CREATE INDEX `disputes_open_idx` ON `disputes` (`opened_at`) WHERE "disputes"."closed_at" IS NULL;--> statement-breakpoint
CREATE TABLE `feedback` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` text NOT NULL,
	`rating` integer NOT NULL,
	`comment` text,
	`source` text NOT NULL,
	`external_id` text,
	`left_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`order_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `feedback_order_idx` ON `feedback` (`order_id`);--> statement-breakpoint
CREATE INDEX `feedback_rating_left_idx` ON `feedback` (`rating`,`left_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `feedback_source_external_uq` ON `feedback` (`source`,`external_id`) WHERE "feedback"."external_id" IS NOT NULL;