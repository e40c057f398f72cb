CREATE INDEX `orders_country_idx` ON `orders` (`country`,`carrier`,`store`);--> statement-breakpoint
CREATE INDEX `orders_carrier_idx` ON `orders` (`carrier`,`store`);