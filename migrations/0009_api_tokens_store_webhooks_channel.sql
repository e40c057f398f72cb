CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`store` text,
	`secret_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_secret_hash_uq` ON `api_tokens` (`secret_hash`);--> statement-breakpoint
CREATE TABLE `store_webhooks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`platform` text NOT NULL,
	`delivery_id` text NOT NULL,
	`shop` text NOT NULL,
	`store` text NOT NULL,
	`topic` text NOT NULL,
	`received_at` integer NOT NULL,
	`applied_at` integer,
	`outcome` text,
	`raw` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `store_webhooks_delivery_uq` ON `store_webhooks` (`platform`,`delivery_id`);--> statement-breakpoint
CREATE INDEX `store_webhooks_pending_idx` ON `store_webhooks` (`received_at`) WHERE "store_webhooks"."applied_at" IS NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `buyer_channel_id` text;