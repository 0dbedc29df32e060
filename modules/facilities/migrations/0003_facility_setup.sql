-- Staff set facilities up on screens (no SQL): the weekly closed day's holiday rule becomes data, and a
-- booking cancelled because a closure or schedule change fell on it gets its own reason (its notice says so).
ALTER TABLE facilities_facilities
  ADD COLUMN closed_day_on_holiday text NOT NULL DEFAULT 'next_day'
  CHECK (closed_day_on_holiday IN ('next_day', 'open', 'closed'));

ALTER TABLE facilities_bookings DROP CONSTRAINT facilities_bookings_cancel_reason_check;
ALTER TABLE facilities_bookings ADD CONSTRAINT facilities_bookings_cancel_reason_check
  CHECK (cancel_reason IN ('resident', 'official_use', 'lottery_released', 'staff', 'facility_change'));
