CREATE TABLE `tracking_registrations` (
	`order_id` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`tracking_number` text NOT NULL,
	`carrier` text NOT NULL,
	`state` text NOT NULL,
	`due_at` integer,
	`provider_id` text,
	`detected_carrier` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`registered_at` integer,
	`last_push_at` integer,
	`last_poll_at` integer,
	`stopped_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`order_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `tracking_registrations_due_idx` ON `tracking_registrations` (`provider`,`state`,`due_at`);--> statement-breakpoint
CREATE INDEX `tracking_registrations_number_idx` ON `tracking_registrations` (`tracking_number`);--> statement-breakpoint
ALTER TABLE `tracking_events` ADD `source` text DEFAULT 'push' NOT NULL;