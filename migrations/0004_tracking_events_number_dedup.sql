DROP INDEX `tracking_events_dedup_uq`;--> statement-breakpoint
DROP INDEX `tracking_events_number_idx`;--> statement-breakpoint
CREATE UNIQUE INDEX `tracking_events_number_dedup_uq` ON `tracking_events` (`tracking_number`,`provider`,`dedup_key`);