ALTER TABLE `orders` ADD `exception_at` integer;--> statement-breakpoint
CREATE INDEX `orders_exception_idx` ON `orders` (`state`,`shipped_at`) WHERE "orders"."exception_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `sends_sent_idx` ON `sends` (`sent_at`) WHERE "sends"."status" = 'sent';