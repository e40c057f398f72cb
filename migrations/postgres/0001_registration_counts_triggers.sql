-- The registration counts that SQLite's migration 0008 keeps with three triggers, kept
-- the same way here: one plpgsql function, fired after each insert, state or provider
-- change and delete on tracking_registrations.
INSERT INTO "tracking_registration_counts" ("provider", "state", "n")
SELECT "provider", "state", count(*) FROM "tracking_registrations" GROUP BY "provider", "state"
ON CONFLICT ("provider", "state") DO UPDATE SET "n" = EXCLUDED."n";
--> statement-breakpoint
CREATE FUNCTION "tracking_registration_counts_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "tracking_registration_counts" SET "n" = "n" - 1 WHERE "provider" = OLD."provider" AND "state" = OLD."state";
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "tracking_registration_counts" ("provider", "state", "n") VALUES (NEW."provider", NEW."state", 1)
    ON CONFLICT ("provider", "state") DO UPDATE SET "n" = "tracking_registration_counts"."n" + 1;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "tracking_registration_counts_insert" AFTER INSERT ON "tracking_registrations"
FOR EACH ROW EXECUTE FUNCTION "tracking_registration_counts_apply"();
--> statement-breakpoint
CREATE TRIGGER "tracking_registration_counts_update" AFTER UPDATE OF "state", "provider" ON "tracking_registrations"
FOR EACH ROW WHEN (OLD."state" <> NEW."state" OR OLD."provider" <> NEW."provider")
EXECUTE FUNCTION "tracking_registration_counts_apply"();
--> statement-breakpoint
CREATE TRIGGER "tracking_registration_counts_delete" AFTER DELETE ON "tracking_registrations"
FOR EACH ROW EXECUTE FUNCTION "tracking_registration_counts_apply"();
