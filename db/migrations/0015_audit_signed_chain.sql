CREATE TABLE "audit_chain" (
	"pos" bigint PRIMARY KEY NOT NULL,
	"event_seq" bigint NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	"key_id" text,
	"signature" text,
	"linked_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_chain_event_seq_unique" UNIQUE("event_seq")
);
--> statement-breakpoint
CREATE TABLE "audit_chainer_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"scan_from_xid" "xid8" NOT NULL,
	CONSTRAINT "audit_chainer_state_single_row" CHECK ("audit_chainer_state"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "seq" SET DEFAULT 0;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "prev_hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "key_id" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "signature" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "digest" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "mac" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
CREATE INDEX "audit_events_xid_idx" ON "audit_events" USING btree ("xid");
--> statement-breakpoint
-- Signed rows continue the sequence where the older SHA-256 chain ended.
CREATE SEQUENCE audit_events_seq OWNED BY audit_events.seq;
--> statement-breakpoint
SELECT setval('audit_events_seq', greatest(seq, 1), seq > 0) FROM audit_chain_head WHERE id = 1;
--> statement-breakpoint
-- The database draws seq and xid itself, whatever an INSERT says: a row cannot be slipped into a
-- chosen position, and the chainer can find every row committed since its last pass.
CREATE FUNCTION audit_events_assign() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.xid := pg_current_xact_id();
  NEW.seq := nextval('audit_events_seq');
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_assign BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_assign();
--> statement-breakpoint
-- Entries must extend the head in order (next positions, each prev_hash the hash before it);
-- accepting them moves the head once per statement.
CREATE FUNCTION audit_chain_extend() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head_seq bigint;
  head_hash text;
  added bigint;
  first_pos bigint;
  last_pos bigint;
BEGIN
  SELECT seq, hash INTO head_seq, head_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE;
  SELECT count(*), min(pos), max(pos) INTO added, first_pos, last_pos FROM new_entries;
  IF first_pos <> head_seq + 1 OR last_pos <> head_seq + added OR EXISTS (
    SELECT 1 FROM new_entries e LEFT JOIN new_entries p ON p.pos = e.pos - 1
    WHERE e.prev_hash IS DISTINCT FROM (CASE WHEN e.pos = head_seq + 1 THEN head_hash ELSE p.hash END)
  ) THEN
    RAISE EXCEPTION 'audit chain entries % to % do not extend the chain head at %', first_pos, last_pos, head_seq
      USING ERRCODE = 'check_violation';
  END IF;
  UPDATE audit_chain_head SET seq = last_pos, hash = (SELECT hash FROM new_entries WHERE pos = last_pos) WHERE id = 1;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_chain_extend AFTER INSERT ON audit_chain REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_extend();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_chain_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_chain FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
--> statement-breakpoint
-- The head moves only from inside audit_chain_extend (trigger depth 2), never by a direct UPDATE.
CREATE FUNCTION audit_chain_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_chain_head moves only when a chain entry is added: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_chain_head_guard BEFORE UPDATE OR DELETE ON audit_chain_head FOR EACH ROW EXECUTE FUNCTION audit_chain_head_guard();
--> statement-breakpoint
CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head_guard();
--> statement-breakpoint
-- Rows that exist now predate signing: the chainer starts with transactions after this one.
INSERT INTO audit_chainer_state (id, scan_from_xid) VALUES (1, pg_snapshot_xmax(pg_current_snapshot()));
