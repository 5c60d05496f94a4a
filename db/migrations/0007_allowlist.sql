CREATE TABLE "allowlist_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"allowlist" text NOT NULL,
	"cidr" text NOT NULL,
	"reason" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	"created_by_run_id" uuid,
	"created_by_step_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	"removed_by" uuid,
	"removed_by_run_id" uuid,
	"removal_reason" text
);
--> statement-breakpoint
ALTER TABLE "allowlist_entries" ADD CONSTRAINT "allowlist_entries_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allowlist_entries" ADD CONSTRAINT "allowlist_entries_created_by_run_id_runs_id_fk" FOREIGN KEY ("created_by_run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allowlist_entries" ADD CONSTRAINT "allowlist_entries_removed_by_users_id_fk" FOREIGN KEY ("removed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allowlist_entries" ADD CONSTRAINT "allowlist_entries_removed_by_run_id_runs_id_fk" FOREIGN KEY ("removed_by_run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "allowlist_entries_live_idx" ON "allowlist_entries" USING btree ("allowlist","expires_at") WHERE "allowlist_entries"."removed_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "allowlist_entries_run_step_idx" ON "allowlist_entries" USING btree ("created_by_run_id","created_by_step_id");