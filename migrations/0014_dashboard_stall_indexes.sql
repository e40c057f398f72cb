DROP INDEX `orders_state_stage_last_event_idx`;--> statement-breakpoint
CREATE INDEX `orders_store_state_stage_last_event_idx` ON `orders` (`store`,`state`,`stage_rank`,`last_event_at`,`shipped_at`);--> statement-breakpoint
CREATE INDEX `orders_state_stage_last_event_idx` ON `orders` (`state`,`stage_rank`,`last_event_at`,`shipped_at`);