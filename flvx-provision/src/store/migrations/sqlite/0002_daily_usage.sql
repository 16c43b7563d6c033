-- One row per service and UTC day (days since 1970-01-01): the bytes it had used at the
-- last usage update of that day. Pruned to the last 30 days by every update.
CREATE TABLE flvx_daily_usage (
    service_id INTEGER NOT NULL CHECK (service_id >= 0),
    day INTEGER NOT NULL,
    used INTEGER NOT NULL CHECK (used >= 0),
    PRIMARY KEY (service_id, day)
) STRICT;
CREATE INDEX flvx_daily_usage_day ON flvx_daily_usage (day);
