CREATE TABLE "runbook_files" (
	"path" text PRIMARY KEY NOT NULL,
	"runbook_id" text,
	"status" text NOT NULL,
	"problems" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"hash" text NOT NULL,
	"checked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runbook_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"runbook_id" text NOT NULL,
	"number" integer NOT NULL,
	"hash" text NOT NULL,
	"content" text NOT NULL,
	"definition" jsonb NOT NULL,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runbooks" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"risk" text NOT NULL,
	"services" text[] DEFAULT '{}'::text[] NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"file_path" text NOT NULL,
	"current_version_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "action_executions" (
	"key" text PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"step_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"phase" text NOT NULL,
	"status" text NOT NULL,
	"resumed" boolean DEFAULT false NOT NULL,
	"result" jsonb,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "run_approvals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"run_id" uuid NOT NULL,
	"step_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"user_id" uuid NOT NULL,
	"user_label" text NOT NULL,
	"decision" text NOT NULL,
	"comment" text,
	"binding_hash" text NOT NULL,
	"voided_at" timestamp with time zone,
	"void_reason" text,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_locks" (
	"key" text PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"acquired_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_secrets" (
	"run_id" uuid NOT NULL,
	"input_name" text NOT NULL,
	"ciphertext" text NOT NULL,
	"fingerprint" text NOT NULL,
	CONSTRAINT "run_secrets_run_id_input_name_pk" PRIMARY KEY("run_id","input_name")
);
--> statement-breakpoint
CREATE TABLE "run_steps" (
	"run_id" uuid NOT NULL,
	"step_id" text NOT NULL,
	"position" integer NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"attempt" integer DEFAULT 1 NOT NULL,
	"plan" jsonb,
	"plan_hash" text,
	"binding_hash" text,
	"output" jsonb,
	"evidence" jsonb,
	"error" text,
	"skip_reason" text,
	"actor_user_id" uuid,
	"actor_label" text,
	"progress" real,
	"progress_message" text,
	"heartbeat_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "run_steps_run_id_step_id_pk" PRIMARY KEY("run_id","step_id")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" bigserial NOT NULL,
	"runbook_id" text NOT NULL,
	"runbook_version_id" uuid NOT NULL,
	"status" text NOT NULL,
	"inputs" jsonb NOT NULL,
	"inputs_hash" text NOT NULL,
	"started_by" uuid NOT NULL,
	"request_key" text NOT NULL,
	"incident_id" uuid,
	"lock_keys" text[] DEFAULT '{}'::text[] NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"abort_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "runs_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "step_output_lines" (
	"run_id" uuid NOT NULL,
	"step_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"line_no" integer NOT NULL,
	"stream" text NOT NULL,
	"text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "step_output_lines_run_id_step_id_attempt_line_no_pk" PRIMARY KEY("run_id","step_id","attempt","line_no")
);
--> statement-breakpoint
ALTER TABLE "runbook_versions" ADD CONSTRAINT "runbook_versions_runbook_id_runbooks_id_fk" FOREIGN KEY ("runbook_id") REFERENCES "public"."runbooks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_executions" ADD CONSTRAINT "action_executions_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_approvals" ADD CONSTRAINT "run_approvals_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_approvals" ADD CONSTRAINT "run_approvals_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_locks" ADD CONSTRAINT "run_locks_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_secrets" ADD CONSTRAINT "run_secrets_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_steps" ADD CONSTRAINT "run_steps_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_runbook_id_runbooks_id_fk" FOREIGN KEY ("runbook_id") REFERENCES "public"."runbooks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_runbook_version_id_runbook_versions_id_fk" FOREIGN KEY ("runbook_version_id") REFERENCES "public"."runbook_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_started_by_users_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "step_output_lines" ADD CONSTRAINT "step_output_lines_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "runbook_files_status_idx" ON "runbook_files" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "runbook_versions_hash_idx" ON "runbook_versions" USING btree ("runbook_id","hash");--> statement-breakpoint
CREATE UNIQUE INDEX "runbook_versions_number_idx" ON "runbook_versions" USING btree ("runbook_id","number");--> statement-breakpoint
CREATE INDEX "run_approvals_step_idx" ON "run_approvals" USING btree ("run_id","step_id");--> statement-breakpoint
CREATE INDEX "run_steps_status_idx" ON "run_steps" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "runs_request_key_idx" ON "runs" USING btree ("started_by","request_key");--> statement-breakpoint
CREATE INDEX "runs_status_idx" ON "runs" USING btree ("status");--> statement-breakpoint
CREATE INDEX "runs_runbook_idx" ON "runs" USING btree ("runbook_id","created_at");--> statement-breakpoint
CREATE INDEX "runs_incident_idx" ON "runs" USING btree ("incident_id");--> statement-breakpoint
CREATE INDEX "step_output_created_idx" ON "step_output_lines" USING btree ("created_at");