-- Exclusion constraints that combine equality (the same room, the same counter) with range overlap need
-- btree_gist. Bookings use it so the database itself refuses a double booking, on PGlite and PostgreSQL.
CREATE EXTENSION IF NOT EXISTS btree_gist;
