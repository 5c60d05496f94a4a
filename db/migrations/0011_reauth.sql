ALTER TABLE "sessions" ADD COLUMN "authenticated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "reauth_requested_at" timestamp with time zone;--> statement-breakpoint
-- Sessions open before this migration proved the password when they were created.
UPDATE "sessions" SET "authenticated_at" = "created_at";
