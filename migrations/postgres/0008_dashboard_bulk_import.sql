CREATE TABLE "dashboard_bulk_import" (
	"id" bigint PRIMARY KEY NOT NULL
);
