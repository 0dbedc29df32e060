-- One live guest ticket per address, office and day: a stranger cannot mail-bomb an address by taking
-- ticket after ticket for it. Residents already hold one live ticket each (queue_tickets_one_live_per_resident).
CREATE UNIQUE INDEX queue_tickets_one_live_per_guest_email
  ON queue_tickets (office_id, service_date, lower(guest_email))
  WHERE resident_id IS NULL AND guest_email IS NOT NULL AND status IN ('waiting', 'called');

-- A guest's idempotency key only means something for the office and day its form was shown for; a key
-- reused city-wide (a cached kiosk page, a shared device) must not hand out someone else's ticket.
DROP INDEX queue_tickets_guest_idempotency;
CREATE UNIQUE INDEX queue_tickets_guest_idempotency
  ON queue_tickets (office_id, service_date, idempotency_key)
  WHERE resident_id IS NULL AND idempotency_key IS NOT NULL;
