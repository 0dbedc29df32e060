-- When a lottery hold's round opens its leftovers first-come. Until then a hold, an award that lapses or a
-- winner's cancellation stays closed for the lottery; after it, each of them frees the slot.
ALTER TABLE facilities_bookings ADD COLUMN lottery_release_at timestamptz;
