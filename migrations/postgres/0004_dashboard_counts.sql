CREATE TABLE "dashboard_lane_transit" (
	"store" text NOT NULL,
	"carrier" text NOT NULL,
	"country" text NOT NULL,
	"days" integer NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "dashboard_lane_transit_store_carrier_country_days_pk" PRIMARY KEY("store","carrier","country","days")
);
--> statement-breakpoint
CREATE TABLE "dashboard_send_counts" (
	"day" integer NOT NULL,
	"store" text NOT NULL,
	"milestone" text NOT NULL,
	"status" text NOT NULL,
	"reason" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "dashboard_send_counts_day_store_milestone_status_reason_pk" PRIMARY KEY("day","store","milestone","status","reason")
);
--> statement-breakpoint
CREATE TABLE "dashboard_stage_counts" (
	"ship_day" integer NOT NULL,
	"store" text NOT NULL,
	"carrier" text NOT NULL,
	"country" text NOT NULL,
	"stage" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "dashboard_stage_counts_ship_day_store_carrier_country_stage_pk" PRIMARY KEY("ship_day","store","carrier","country","stage")
);
--> statement-breakpoint
CREATE INDEX "orders_state_stage_last_event_idx" ON "orders" USING btree ("state","stage_rank","last_event_at");--> statement-breakpoint
CREATE INDEX "suppressions_created_idx" ON "suppressions" USING btree ("created_at");