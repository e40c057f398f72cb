CREATE TABLE `dashboard_bulk_import` (
	`id` integer PRIMARY KEY NOT NULL
);--> statement-breakpoint
-- The bulk import counts its orders' stages per batch (store/order-batch.ts) while its flag row exists; every other insert, as before.
DROP TRIGGER `dashboard_orders_insert`;--> statement-breakpoint
CREATE TRIGGER `dashboard_orders_insert` AFTER INSERT ON `orders` WHEN NOT EXISTS (SELECT 1 FROM `dashboard_bulk_import`) BEGIN
  INSERT INTO `dashboard_stage_counts` (`ship_day`, `store`, `carrier`, `country`, `stage`, `n`) VALUES (NEW.`shipped_at` / 86400000, NEW.`store`, NEW.`carrier`, NEW.`country`, CASE WHEN NEW.`state` = 'delivered' THEN 'delivered' WHEN NEW.`state` = 'returned' THEN 'returned' WHEN NEW.`state` = 'cancelled' THEN 'cancelled' WHEN NEW.`last_event_at` IS NULL THEN 'registered' WHEN NEW.`stage_rank` >= 3 THEN 'post_office' WHEN NEW.`stage_rank` = 2 THEN 'customs' ELSE 'in_transit' END, 1)
  ON CONFLICT (`ship_day`, `store`, `carrier`, `country`, `stage`) DO UPDATE SET `n` = `n` + 1;
  INSERT INTO `dashboard_lane_transit` (`store`, `carrier`, `country`, `days`, `n`) SELECT NEW.`store`, NEW.`carrier`, NEW.`country`, max(0, (5 * ((NEW.`last_event_at` / 86400000 + 1) / 7) + CASE (NEW.`last_event_at` / 86400000 + 1) % 7 WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 2 WHEN 4 THEN 2 WHEN 5 THEN 3 ELSE 4 END) - (5 * ((NEW.`shipped_at` / 86400000 + 1) / 7) + CASE (NEW.`shipped_at` / 86400000 + 1) % 7 WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 2 WHEN 4 THEN 2 WHEN 5 THEN 3 ELSE 4 END)), 1
  WHERE NEW.`state` = 'delivered' AND NEW.`last_event_at` IS NOT NULL
  ON CONFLICT (`store`, `carrier`, `country`, `days`) DO UPDATE SET `n` = `n` + 1;
END;
