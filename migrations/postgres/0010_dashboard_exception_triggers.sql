-- The dashboard's exception segment, as SQLite's migration 0018: the `exception` stage in the orders' count
-- function, exception_at among the columns that move a stage, then the exceptions already in the ledger noted.
CREATE OR REPLACE FUNCTION "dashboard_orders_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "dashboard_stage_counts" SET "n" = "n" - 1 WHERE "ship_day" = OLD."shipped_at" / 86400000 AND "store" = OLD."store" AND "carrier" = OLD."carrier" AND "country" = OLD."country" AND "stage" = CASE WHEN OLD."state" = 'delivered' THEN 'delivered' WHEN OLD."state" = 'returned' THEN 'returned' WHEN OLD."state" = 'cancelled' THEN 'cancelled' WHEN OLD."exception_at" >= coalesce(OLD."last_event_at", 0) THEN 'exception' WHEN OLD."last_event_at" IS NULL THEN 'registered' WHEN OLD."stage_rank" >= 3 THEN 'post_office' WHEN OLD."stage_rank" = 2 THEN 'customs' ELSE 'in_transit' END;
    IF OLD."state" = 'delivered' AND OLD."last_event_at" IS NOT NULL THEN
      UPDATE "dashboard_lane_transit" SET "n" = "n" - 1 WHERE "store" = OLD."store" AND "carrier" = OLD."carrier" AND "country" = OLD."country" AND "days" = GREATEST(0, (5 * ((OLD."last_event_at" / 86400000 + 1) / 7) + CASE (OLD."last_event_at" / 86400000 + 1) % 7 WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 2 WHEN 4 THEN 2 WHEN 5 THEN 3 ELSE 4 END) - (5 * ((OLD."shipped_at" / 86400000 + 1) / 7) + CASE (OLD."shipped_at" / 86400000 + 1) % 7 WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 2 WHEN 4 THEN 2 WHEN 5 THEN 3 ELSE 4 END));
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "dashboard_stage_counts" ("ship_day", "store", "carrier", "country", "stage", "n") VALUES (NEW."shipped_at" / 86400000, NEW."store", NEW."carrier", NEW."country", CASE WHEN NEW."state" = 'delivered' THEN 'delivered' WHEN NEW."state" = 'returned' THEN 'returned' WHEN NEW."state" = 'cancelled' THEN 'cancelled' WHEN NEW."exception_at" >= coalesce(NEW."last_event_at", 0) THEN 'exception' WHEN NEW."last_event_at" IS NULL THEN 'registered' WHEN NEW."stage_rank" >= 3 THEN 'post_office' WHEN NEW."stage_rank" = 2 THEN 'customs' ELSE 'in_transit' END, 1)
    ON CONFLICT ("ship_day", "store", "carrier", "country", "stage") DO UPDATE SET "n" = "dashboard_stage_counts"."n" + 1;
    IF NEW."state" = 'delivered' AND NEW."last_event_at" IS NOT NULL THEN
      INSERT INTO "dashboard_lane_transit" ("store", "carrier", "country", "days", "n") VALUES (NEW."store", NEW."carrier", NEW."country", GREATEST(0, (5 * ((NEW."last_event_at" / 86400000 + 1) / 7) + CASE (NEW."last_event_at" / 86400000 + 1) % 7 WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 2 WHEN 4 THEN 2 WHEN 5 THEN 3 ELSE 4 END) - (5 * ((NEW."shipped_at" / 86400000 + 1) / 7) + CASE (NEW."shipped_at" / 86400000 + 1) % 7 WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 2 WHEN 4 THEN 2 WHEN 5 THEN 3 ELSE 4 END)), 1)
      ON CONFLICT ("store", "carrier", "country", "days") DO UPDATE SET "n" = "dashboard_lane_transit"."n" + 1;
    END IF;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER "dashboard_orders_update" ON "orders";
--> statement-breakpoint
CREATE TRIGGER "dashboard_orders_update" AFTER UPDATE OF "state", "stage_rank", "last_event_at", "exception_at", "shipped_at", "store", "carrier", "country" ON "orders"
FOR EACH ROW WHEN ((CASE WHEN OLD."state" = 'delivered' THEN 'delivered' WHEN OLD."state" = 'returned' THEN 'returned' WHEN OLD."state" = 'cancelled' THEN 'cancelled' WHEN OLD."exception_at" >= coalesce(OLD."last_event_at", 0) THEN 'exception' WHEN OLD."last_event_at" IS NULL THEN 'registered' WHEN OLD."stage_rank" >= 3 THEN 'post_office' WHEN OLD."stage_rank" = 2 THEN 'customs' ELSE 'in_transit' END) <> (CASE WHEN NEW."state" = 'delivered' THEN 'delivered' WHEN NEW."state" = 'returned' THEN 'returned' WHEN NEW."state" = 'cancelled' THEN 'cancelled' WHEN NEW."exception_at" >= coalesce(NEW."last_event_at", 0) THEN 'exception' WHEN NEW."last_event_at" IS NULL THEN 'registered' WHEN NEW."stage_rank" >= 3 THEN 'post_office' WHEN NEW."stage_rank" = 2 THEN 'customs' ELSE 'in_transit' END) OR OLD."shipped_at" <> NEW."shipped_at" OR OLD."store" <> NEW."store" OR OLD."carrier" <> NEW."carrier" OR OLD."country" <> NEW."country"
  OR (NEW."state" = 'delivered' AND OLD."last_event_at" IS DISTINCT FROM NEW."last_event_at"))
EXECUTE FUNCTION "dashboard_orders_apply"();
--> statement-breakpoint
UPDATE "orders" o SET "exception_at" = e."at"
FROM (SELECT "order_id", max(coalesce("occurred_at", "received_at")) AS "at" FROM "tracking_events" WHERE "milestone" = 'exception' AND "order_id" IS NOT NULL GROUP BY "order_id") e
WHERE o."order_id" = e."order_id" AND o."state" = 'active';
