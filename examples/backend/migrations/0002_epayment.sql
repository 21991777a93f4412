-- The ePayment API beside eCom v2: the API each order was made with, and
-- the webhook registered for this backend.

-- The API the order was made with (`ecom`, `epayment`): it is followed,
-- captured, cancelled and refunded through that one.
ALTER TABLE orders ADD COLUMN provider_api TEXT NOT NULL DEFAULT 'ecom';

-- ePayment: the webhook registered for this backend's URL, and the secret
-- that signs its deliveries (never in any answer). Every instance of the
-- backend shares the one registration.
CREATE TABLE webhooks (
    url        TEXT PRIMARY KEY,
    id         TEXT NOT NULL,
    secret     TEXT NOT NULL,
    events     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
