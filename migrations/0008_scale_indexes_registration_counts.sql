CREATE TABLE `tracking_registration_counts` (
	`provider` text NOT NULL,
	`state` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`provider`, `state`)
);
--> statement-breakpoint
DROP INDEX `orders_store_idx`;--> statement-breakpoint
CREATE INDEX `orders_store_state_shipped_idx` ON `orders` (`store`,`state`,`shipped_at`);--> statement-breakpoint
CREATE INDEX `sends_due_idx` ON `sends` (`due_at`);--> statement-breakpoint
INSERT INTO `tracking_registration_counts` (`provider`, `state`, `n`) SELECT `provider`, `state`, count(*) FROM `tracking_registrations` GROUP BY `provider`, `state`;--> statement-breakpoint
CREATE TRIGGER `tracking_registration_counts_insert` AFTER INSERT ON `tracking_registrations` BEGIN
  INSERT INTO `tracking_registration_counts` (`provider`, `state`, `n`) VALUES (NEW.`provider`, NEW.`state`, 1)
  ON CONFLICT (`provider`, `state`) DO UPDATE SET `n` = `n` + 1;
END;--> statement-breakpoint
CREATE TRIGGER `tracking_registration_counts_update` AFTER UPDATE OF `state`, `provider` ON `tracking_registrations`
WHEN OLD.`state` <> NEW.`state` OR OLD.`provider` <> NEW.`provider` BEGIN
  UPDATE `tracking_registration_counts` SET `n` = `n` - 1 WHERE `provider` = OLD.`provider` AND `state` = OLD.`state`;
  INSERT INTO `tracking_registration_counts` (`provider`, `state`, `n`) VALUES (NEW.`provider`, NEW.`state`, 1)
  ON CONFLICT (`provider`, `state`) DO UPDATE SET `n` = `n` + 1;
END;--> statement-breakpoint
CREATE TRIGGER `tracking_registration_counts_delete` AFTER DELETE ON `tracking_registrations` BEGIN
  UPDATE `tracking_registration_counts` SET `n` = `n` - 1 WHERE `provider` = OLD.`provider` AND `state` = OLD.`state`;
END;
