CREATE INDEX "sends_milestone_status_due_idx" ON "sends" USING btree ("milestone","status","due_at");--> statement-breakpoint
-- Which statuses and milestones meet, for the planner: it assumes they are independent, and walked every letter sent for a status and a milestone that never meet. Not in schema-pg.ts: Drizzle does not model statistics.
CREATE STATISTICS IF NOT EXISTS "sends_status_milestone_stats" (mcv, dependencies) ON "status", "milestone" FROM "sends";
