DROP INDEX "sends_message_id_idx";--> statement-breakpoint
CREATE INDEX "sends_message_id_idx" ON "sends" USING btree ("message_id") WHERE "sends"."message_id" IS NOT NULL;