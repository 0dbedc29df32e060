-- 繰り上げ当選: a win lost before the first-come time is offered to the next entrant who chose that slot and
-- lost it, in the order of the published draw. See docs/lottery.md.

-- Days a promoted entrant has to confirm and pay (never past the round's first-come time).
ALTER TABLE lottery_rounds
  ADD COLUMN promotion_confirm_days integer NOT NULL DEFAULT 3 CHECK (promotion_confirm_days BETWEEN 1 AND 30);

-- A slot may now be won more than once (the draw's winner, then promoted entrants), but only one win of it
-- is live at a time, and an entrant is never offered the same slot twice.
ALTER TABLE lottery_wins DROP CONSTRAINT lottery_wins_slot_id_key;
CREATE UNIQUE INDEX lottery_wins_live_slot ON lottery_wins (slot_id) WHERE status IN ('awarded', 'confirmed');
CREATE UNIQUE INDEX lottery_wins_entry_slot ON lottery_wins (entry_id, slot_id);

-- The append-only promotions log, published next to the draw. One row per lost win (vacated_win_id UNIQUE: a
-- redelivered or concurrent event cannot promote twice), numbered per round in the order they happened.
CREATE TABLE lottery_promotions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  round_id uuid NOT NULL REFERENCES lottery_rounds(id),
  seq integer NOT NULL CHECK (seq >= 1),
  slot_id uuid NOT NULL REFERENCES lottery_slots(id),
  vacated_win_id uuid NOT NULL UNIQUE REFERENCES lottery_wins(id),
  vacated_entry_id uuid NOT NULL REFERENCES lottery_entries(id),
  reason text NOT NULL CHECK (reason IN ('expired', 'cancelled')),
  -- Entrants next in line whom the facilities module refused (e.g. their category left the fee rules).
  passed_over jsonb NOT NULL DEFAULT '[]',
  promoted_win_id uuid UNIQUE REFERENCES lottery_wins(id),
  promoted_entry_id uuid REFERENCES lottery_entries(id),
  draw_step integer,
  confirm_by timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (round_id, seq),
  CHECK ((promoted_win_id IS NULL) = (promoted_entry_id IS NULL)),
  CHECK ((promoted_entry_id IS NULL) = (draw_step IS NULL)),
  CHECK ((promoted_entry_id IS NULL) = (confirm_by IS NULL))
);

CREATE FUNCTION lottery_promotions_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'lottery_promotions is append-only';
END $$;
CREATE TRIGGER lottery_promotions_no_update BEFORE UPDATE OR DELETE ON lottery_promotions
  FOR EACH ROW EXECUTE FUNCTION lottery_promotions_are_append_only();
