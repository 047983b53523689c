-- Defect: email is not UNIQUE: two patients can share one.
CREATE EXTENSION IF NOT EXISTS btree_gist;  -- `room_id WITH =` in a GiST exclusion constraint

CREATE TABLE patients (
  id     integer PRIMARY KEY,
  name   text NOT NULL,
  email  text NOT NULL,
  born   date NOT NULL CHECK (born > DATE '1900-01-01')
);

CREATE TABLE rooms (
  id    integer PRIMARY KEY,
  name  text NOT NULL UNIQUE
);

CREATE TABLE appointments (
  id          integer PRIMARY KEY,
  patient_id  integer NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
  room_id     integer NOT NULL REFERENCES rooms (id) ON DELETE RESTRICT,
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL,
  note        text,
  CONSTRAINT appointment_ends_after_it_starts CHECK (ends_at > starts_at),
  -- '[)': an appointment may start the moment the previous one in its room ends.
  CONSTRAINT one_appointment_per_room_at_a_time
    EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
);
CREATE INDEX ON appointments (patient_id);  -- the foreign key's side that ON DELETE CASCADE searches
