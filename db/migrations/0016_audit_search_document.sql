DROP INDEX "audit_events_search_idx";--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "search_document" "tsvector" GENERATED ALWAYS AS ((to_tsvector('simple'::regconfig, event_type || ' ' || replace(event_type, '.', ' ') || ' ' || actor_label || ' ' || coalesce(entity_type, '') || ' ' || coalesce(entity_id, '')) || jsonb_to_tsvector('simple'::regconfig, event_meta, '["string", "numeric"]'::jsonb))) STORED;--> statement-breakpoint
CREATE INDEX "audit_events_search_idx" ON "audit_events" USING gin ("search_document");--> statement-breakpoint
-- The same check as before (entries extend the head in order, each prev_hash the hash before it),
-- written with lag() instead of a self-join of the transition table: that table has no index or
-- statistics, and the join ran as a nested loop, quadratic in the entries of one statement.
CREATE OR REPLACE FUNCTION audit_chain_extend() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head_seq bigint;
  head_hash text;
  added bigint;
  first_pos bigint;
  last_pos bigint;
BEGIN
  SELECT seq, hash INTO head_seq, head_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE;
  SELECT count(*), min(pos), max(pos) INTO added, first_pos, last_pos FROM new_entries;
  -- pos is the primary key, so positions are distinct: first and last pinned, they are consecutive.
  IF first_pos <> head_seq + 1 OR last_pos <> head_seq + added OR EXISTS (
    SELECT 1 FROM (SELECT pos, prev_hash, lag(hash) OVER (ORDER BY pos) AS hash_before FROM new_entries) e
    WHERE e.prev_hash IS DISTINCT FROM (CASE WHEN e.pos = head_seq + 1 THEN head_hash ELSE e.hash_before END)
  ) THEN
    RAISE EXCEPTION 'audit chain entries % to % do not extend the chain head at %', first_pos, last_pos, head_seq
      USING ERRCODE = 'check_violation';
  END IF;
  UPDATE audit_chain_head SET seq = last_pos, hash = (SELECT hash FROM new_entries WHERE pos = last_pos) WHERE id = 1;
  RETURN NULL;
END
$$;
