DROP INDEX `sends_order_milestone_uq`;--> statement-breakpoint
ALTER TABLE `sends` ADD `seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `sends_order_milestone_seq_uq` ON `sends` (`order_id`,`milestone`,`seq`) WHERE "sends"."resend_of" IS NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `disputed_at` integer;