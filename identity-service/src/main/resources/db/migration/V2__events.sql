-- The transactional outbox and the consumer's record of applied events (see shared-model events/).

-- Events recorded in the same transaction as the change they describe; the relay publishes them
-- in seq order to this service's Redis stream and stamps published_at.
CREATE TABLE outbox (
    seq           bigserial    PRIMARY KEY,
    id            uuid         NOT NULL UNIQUE,
    event_type    varchar(100) NOT NULL,
    subject_id    varchar(100),
    envelope      jsonb        NOT NULL,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    published_at  timestamptz
);
CREATE INDEX outbox_unpublished_idx ON outbox (seq) WHERE published_at IS NULL;
CREATE INDEX outbox_published_at_idx ON outbox (published_at) WHERE published_at IS NOT NULL;

-- Ids of other services' events this service has applied: a redelivered event is skipped.
CREATE TABLE processed_events (
    event_id      uuid         PRIMARY KEY,
    event_type    varchar(100) NOT NULL,
    source        varchar(50)  NOT NULL,
    processed_at  timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX processed_events_processed_at_idx ON processed_events (processed_at);
