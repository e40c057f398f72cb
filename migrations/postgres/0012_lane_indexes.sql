CREATE INDEX "orders_country_idx" ON "orders" USING btree ("country","carrier","store");--> statement-breakpoint
CREATE INDEX "orders_carrier_idx" ON "orders" USING btree ("carrier","store");