-- Japan Post's postal codes (KEN_ALL), national and shared by every city, for filling in addresses.
CREATE TABLE forms_postal_codes (
  postal_code text NOT NULL CHECK (postal_code ~ '^[0-9]{7}$'),
  prefecture text NOT NULL,
  city text NOT NULL,
  town text NOT NULL DEFAULT '',
  PRIMARY KEY (postal_code, prefecture, city, town)
);
