ALTER TABLE "orders" ADD COLUMN "exception_at" bigint;--> statement-breakpoint
CREATE INDEX "orders_exception_idx" ON "orders" USING btree ("state","shipped_at") WHERE "orders"."exception_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "sends_sent_idx" ON "sends" USING btree ("sent_at") WHERE "sends"."status" = 'sent';