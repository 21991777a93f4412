-- The merchant backend's tables, written once for SQLite and PostgreSQL
-- (times are milliseconds since the Unix epoch, flags are 0 or 1, JSON is
-- text: the subset of SQL both databases read the same way).

-- One row per payment attempt (an `orderId` at the provider).
CREATE TABLE orders (
    order_id         TEXT PRIMARY KEY,
    basket_id        TEXT NOT NULL,
    amount           BIGINT NOT NULL,
    currency         TEXT NOT NULL,
    express          BIGINT NOT NULL,
    -- The callback's `Authorization`: never in an answer to a browser.
    auth_token       TEXT NOT NULL,
    fallback_url     TEXT NOT NULL,
    expectation      TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    -- What the provider's initiate answered (the link and its deadlines),
    -- once it did.
    deeplink         TEXT,
    -- The merged facts (appswitch-core's PaymentStatus) and their name.
    status           TEXT NOT NULL,
    state            TEXT NOT NULL,
    version          BIGINT NOT NULL,
    goods_issued     BIGINT NOT NULL DEFAULT 0,
    problem          TEXT,
    provider_unknown BIGINT NOT NULL DEFAULT 0,
    finished_at      BIGINT,
    -- The watcher's queue: when the provider is next asked, and the lease
    -- that lets one instance at a time ask.
    next_check_at    BIGINT,
    last_check_at    BIGINT,
    checks           BIGINT NOT NULL DEFAULT 0,
    lease_owner      TEXT,
    lease_until      BIGINT,
    event_seq        BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX orders_by_basket ON orders (basket_id);
CREATE INDEX orders_due ON orders (next_check_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX orders_finished ON orders (finished_at) WHERE finished_at IS NOT NULL;

-- What was observed or done, in order, per order: accepted and refused
-- callbacks, details that changed something, operations.
CREATE TABLE order_events (
    order_id TEXT NOT NULL,
    seq      BIGINT NOT NULL,
    at       BIGINT NOT NULL,
    source   TEXT NOT NULL,
    accepted BIGINT NOT NULL,
    detail   TEXT NOT NULL,
    PRIMARY KEY (order_id, seq)
);

-- Capture, cancel and refund by idempotency key (`X-Request-Id`): the
-- merchant's, and the backend's own clean-ups of duplicate payments.
CREATE TABLE operations (
    order_id        TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    kind            TEXT NOT NULL,
    amount          BIGINT,
    text            TEXT NOT NULL,
    origin          TEXT NOT NULL,
    state           TEXT NOT NULL,
    answer          TEXT,
    -- When the watcher next works on it (clean-ups it drives; a merchant's
    -- operation whose driver died is reconciled with the provider's
    -- history once its lease is over).
    next_attempt_at BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (order_id, idempotency_key)
);
CREATE INDEX operations_due ON operations (next_attempt_at) WHERE state = 'pending';

-- Every basket's checkout session (appswitch-core's CheckoutSession): its
-- attempts, and the duplicates it cleans up.
CREATE TABLE baskets (
    basket_id TEXT PRIMARY KEY,
    session   TEXT NOT NULL,
    version   BIGINT NOT NULL
);
