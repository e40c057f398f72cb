-- The dashboard's count tables, kept as SQLite's migration 0011 keeps them: one plpgsql
-- function per table, fired after each insert, relevant update and delete.
INSERT INTO "dashboard_stage_counts" ("ship_day", "store", "carrier", "country", "stage", "n")
SELECT o."shipped_at" / 86400000, o."store", o."carrier", o."country", CASE WHEN o."state" = 'delivered' THEN 'delivered' WHEN o."state" = 'returned' THEN 'returned' WHEN o."state" = 'cancelled' THEN 'cancelled' WHEN o."last_event_at" IS NULL THEN 'registered' WHEN o."stage_rank" >= 3 THEN 'post_office' WHEN o."stage_rank" = 2 THEN 'customs' ELSE 'in_transit' END, count(*) FROM "orders" o GROUP BY 1, 2, 3, 4, 5
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO "dashboard_lane_transit" ("store", "carrier", "country", "days", "n")
SELECT o."store", o."carrier", o."country", GREATEST(0, (5 * ((o."last_event_at" / 86400000 + 1) / 7) + CASE (o."last_event_at" / 86400000 + 1) % 7 WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 2 WHEN 4 THEN 2 WHEN 5 THEN 3 ELSE 4 END) - (5 * ((o."shipped_at" / 86400000 + 1) / 7) + CASE (o."shipped_at" / 86400000 + 1) % 7 WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 2 WHEN 4 THEN 2 WHEN 5 THEN 3 ELSE 4 END)), count(*) FROM "orders" o WHERE o."state" = 'delivered' AND o."last_event_at" IS NOT NULL GROUP BY 1, 2, 3, 4
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO "dashboard_send_counts" ("day", "store", "milestone", "status", "reason", "n")
SELECT coalesce(s."sent_at", s."updated_at") / 86400000, coalesce(o."store", ''), s."milestone", s."status", CASE WHEN s."status" = 'skipped' THEN coalesce(s."reason", '') ELSE '' END, count(*) FROM "sends" s LEFT JOIN "orders" o ON o."order_id" = s."order_id"
WHERE s."status" IN ('sent', 'skipped', 'failed') GROUP BY 1, 2, 3, 4, 5
ON CONFLICT DO NOTHING;
--> statement-breakpoint
CREATE FUNCTION "dashboard_orders_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "dashboard_stage_counts" SET "n" = "n" - 1 WHERE "ship_day" = OLD."shipped_at" / 86400000 AND "store" = OLD."store" AND "carrier" = OLD."carrier" AND "country" = OLD."country" AND "stage" = CASE WHEN OLD."state" = 'delivered' THEN 'delivered' WHEN OLD."state" = 'returned' THEN 'returned' WHEN OLD."state" = 'cancelled' THEN 'cancelled' WHEN OLD."last_event_at" IS NULL THEN 'registered' WHEN OLD."stage_rank" >= 3 THEN 'post_office' WHEN OLD."stage_rank" = 2 THEN 'customs' ELSE 'in_transit' END;
    IF OLD."state" = 'delivered' AND OLD."last_event_at" IS NOT NULL THEN
      UPDATE "dashboard_lane_transit" SET "n" = "n" - 1 WHERE "store" = OLD."store" AND "carrier" = OLD."carrier" AND "country" = OLD."country" AND "days" = GREATEST(0, (5 * ((OLD."last_event_at" / 86400000 + 1) / 7) + CASE (OLD."last_event_at" / 86400000 + 1) % 7 WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 2 WHEN 4 THEN 2 WHEN 5 THEN 3 ELSE 4 END) - (5 * ((OLD."shipped_at" / 86400000 + 1) / 7) + CASE (OLD."shipped_at" / 86400000 + 1) % 7 WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 2 WHEN 4 THEN 2 WHEN 5 THEN 3 ELSE 4 END));
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "dashboard_stage_counts" ("ship_day", "store", "carrier", "country", "stage", "n") VALUES (NEW."shipped_at" / 86400000, NEW."store", NEW."carrier", NEW."country", CASE WHEN NEW."state" = 'delivered' THEN 'delivered' WHEN NEW."state" = 'returned' THEN 'returned' WHEN NEW."state" = 'cancelled' THEN 'cancelled' WHEN NEW."last_event_at" IS NULL THEN 'registered' WHEN NEW."stage_rank" >= 3 THEN 'post_office' WHEN NEW."stage_rank" = 2 THEN 'customs' ELSE 'in_transit' END, 1)
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
CREATE TRIGGER "dashboard_orders_insert" AFTER INSERT ON "orders" FOR EACH ROW EXECUTE FUNCTION "dashboard_orders_apply"();
--> statement-breakpoint
CREATE TRIGGER "dashboard_orders_update" AFTER UPDATE OF "state", "stage_rank", "last_event_at", "shipped_at", "store", "carrier", "country" ON "orders"
FOR EACH ROW WHEN ((CASE WHEN OLD."state" = 'delivered' THEN 'delivered' WHEN OLD."state" = 'returned' THEN 'returned' WHEN OLD."state" = 'cancelled' THEN 'cancelled' WHEN OLD."last_event_at" IS NULL THEN 'registered' WHEN OLD."stage_rank" >= 3 THEN 'post_office' WHEN OLD."stage_rank" = 2 THEN 'customs' ELSE 'in_transit' END) <> (CASE WHEN NEW."state" = 'delivered' THEN 'delivered' WHEN NEW."state" = 'returned' THEN 'returned' WHEN NEW."state" = 'cancelled' THEN 'cancelled' WHEN NEW."last_event_at" IS NULL THEN 'registered' WHEN NEW."stage_rank" >= 3 THEN 'post_office' WHEN NEW."stage_rank" = 2 THEN 'customs' ELSE 'in_transit' END) OR OLD."shipped_at" <> NEW."shipped_at" OR OLD."store" <> NEW."store" OR OLD."carrier" <> NEW."carrier" OR OLD."country" <> NEW."country"
  OR (NEW."state" = 'delivered' AND OLD."last_event_at" IS DISTINCT FROM NEW."last_event_at"))
EXECUTE FUNCTION "dashboard_orders_apply"();
--> statement-breakpoint
CREATE TRIGGER "dashboard_orders_delete" AFTER DELETE ON "orders" FOR EACH ROW EXECUTE FUNCTION "dashboard_orders_apply"();
--> statement-breakpoint
CREATE FUNCTION "dashboard_sends_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD."status" IN ('sent', 'skipped', 'failed') THEN
    UPDATE "dashboard_send_counts" SET "n" = "n" - 1 WHERE "day" = coalesce(OLD."sent_at", OLD."updated_at") / 86400000 AND "store" = coalesce((SELECT o."store" FROM "orders" o WHERE o."order_id" = OLD."order_id"), '') AND "milestone" = OLD."milestone" AND "status" = OLD."status" AND "reason" = CASE WHEN OLD."status" = 'skipped' THEN coalesce(OLD."reason", '') ELSE '' END;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW."status" IN ('sent', 'skipped', 'failed') THEN
    INSERT INTO "dashboard_send_counts" ("day", "store", "milestone", "status", "reason", "n") VALUES (coalesce(NEW."sent_at", NEW."updated_at") / 86400000, coalesce((SELECT o."store" FROM "orders" o WHERE o."order_id" = NEW."order_id"), ''), NEW."milestone", NEW."status", CASE WHEN NEW."status" = 'skipped' THEN coalesce(NEW."reason", '') ELSE '' END, 1)
    ON CONFLICT ("day", "store", "milestone", "status", "reason") DO UPDATE SET "n" = "dashboard_send_counts"."n" + 1;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "dashboard_sends_insert" AFTER INSERT ON "sends" FOR EACH ROW WHEN (NEW."status" IN ('sent', 'skipped', 'failed')) EXECUTE FUNCTION "dashboard_sends_apply"();
--> statement-breakpoint
CREATE TRIGGER "dashboard_sends_update" AFTER UPDATE OF "status", "reason" ON "sends"
FOR EACH ROW WHEN ((OLD."status" IN ('sent', 'skipped', 'failed') OR NEW."status" IN ('sent', 'skipped', 'failed')) AND (OLD."status" IS DISTINCT FROM NEW."status" OR OLD."reason" IS DISTINCT FROM NEW."reason"))
EXECUTE FUNCTION "dashboard_sends_apply"();
--> statement-breakpoint
CREATE TRIGGER "dashboard_sends_delete" AFTER DELETE ON "sends" FOR EACH ROW WHEN (OLD."status" IN ('sent', 'skipped', 'failed')) EXECUTE FUNCTION "dashboard_sends_apply"();
