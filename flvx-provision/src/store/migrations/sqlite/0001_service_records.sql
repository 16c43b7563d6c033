-- One row per service: the engine's record as JSON, and the version every save must match
-- (compare-and-swap). Rows are never deleted: a terminated service keeps an empty record,
-- so its version keeps counting up.
CREATE TABLE flvx_service_records (
    service_id INTEGER PRIMARY KEY CHECK (service_id >= 0),
    version INTEGER NOT NULL CHECK (version > 0),
    record TEXT NOT NULL CHECK (json_valid(record)),
    updated_at TEXT NOT NULL
) STRICT;
