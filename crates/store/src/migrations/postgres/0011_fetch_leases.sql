-- Several worker nodes share the fetch queue: a feed is leased to one node at a time
-- (feeds.lease_owner / lease_until, present since 0001), and so is each host, with the earliest
-- time the next request to it may start, so per-host politeness holds across nodes.
CREATE TABLE host_slots (
    host            TEXT   PRIMARY KEY,
    -- Unix milliseconds: the host's minimum interval is usually under a second.
    next_allowed_ms BIGINT NOT NULL DEFAULT 0,
    holder          TEXT,
    lease_until_ms  BIGINT,
    -- The holder's minimum interval, applied when it releases the slot.
    gap_ms          BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX feeds_lease ON feeds (lease_owner) WHERE lease_owner IS NOT NULL;
