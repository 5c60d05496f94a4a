ALTER TABLE "run_steps" ADD COLUMN "covered_plans" jsonb;--> statement-breakpoint
ALTER TABLE "run_steps" ADD COLUMN "active_job" jsonb;--> statement-breakpoint
ALTER TABLE "run_steps" ADD COLUMN "compensation_attempt" integer DEFAULT 0 NOT NULL;