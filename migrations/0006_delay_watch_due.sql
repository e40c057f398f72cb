ALTER TABLE `orders` ADD `watch_at` integer;--> statement-breakpoint
CREATE INDEX `orders_watch_idx` ON `orders` (`watch_at`) WHERE "orders"."watch_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `orders_state_shipped_idx` ON `orders` (`state`,`shipped_at`);--> statement-breakpoint
-- Existing active orders short of the post office are looked at once by the next watch.
UPDATE `orders` SET `watch_at` = `shipped_at` WHERE `state` = 'active' AND `stage_rank` < 3;