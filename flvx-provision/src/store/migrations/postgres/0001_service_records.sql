-- One row per service: the engine's record as JSON, and the version every save must match
-- (compare-and-swap). Rows are never deleted: a terminated service keeps an empty record,
-- so its version keeps counting up.
CREATE TABLE flvx_service_records (
    service_id BIGINT PRIMARY KEY CHECK (service_id >= 0),
    version BIGINT NOT NULL CHECK (version > 0),
    record JSONB NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
