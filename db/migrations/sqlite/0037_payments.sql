-- 0037 payments of procedure fees (issue 16): a dossier whose procedure
-- has a published fee above zero for its channel gets one payment request;
-- the citizen pays by VNPAY or by a VietQR bank transfer to the collecting
-- agency's account, or in cash at the counter; an e-receipt (biên lai điện
-- tử) is issued when it is paid; a refused dossier's fee is refunded.
-- The outbox takes rows about a payment as topic 'payments'.

-- the agencies' collection accounts (tài khoản thu phí, lệ phí): a VietQR
-- code is made to the account of the collecting agency or of the nearest
-- agency above it that has one
CREATE TABLE pay_accounts (
    agency_id    INTEGER PRIMARY KEY REFERENCES agencies (id),
    bank_bin     TEXT NOT NULL,                    -- NAPAS acquirer BIN, 6 digits (970436 Vietcombank ...)
    bank_name    TEXT NOT NULL,
    account_no   TEXT NOT NULL,                    -- digits, 6-19
    account_name TEXT NOT NULL,                    -- as the bank holds it, upper case without diacritics
    updated_at   INTEGER NOT NULL,
    updated_by   INTEGER REFERENCES users (id),    -- NULL: demo data
    version      INTEGER NOT NULL DEFAULT 1
);

-- one payment request per dossier that owes a fee
CREATE TABLE payments (
    id            INTEGER PRIMARY KEY,
    dossier_id    INTEGER NOT NULL UNIQUE REFERENCES dossiers (id),
    agency_id     INTEGER NOT NULL REFERENCES agencies (id), -- the collecting agency (the competent one)
    amount        INTEGER NOT NULL,                 -- đồng, from the catalogue for the dossier's channel
    stage         TEXT NOT NULL,                    -- when it is owed: receipt (before the dossier moves on) | return (before the result is handed over)
    status        TEXT NOT NULL DEFAULT 'requested', -- requested | paid | failed (the last attempt failed, still owed) | refunded
    method        TEXT,                             -- once paid: vnpay | vietqr (a bank transfer) | cash
    reference     TEXT,                             -- the gateway's transaction number or the bank's reference
    requested_at  INTEGER NOT NULL,
    paid_at       INTEGER,
    collected_by  INTEGER REFERENCES users (id),    -- who recorded a cash payment or a transfer
    receipt_no    INTEGER,                          -- the e-receipt's number in its agency's series for the year
    receipt_symbol TEXT,                            -- ký hiệu biên lai, e.g. BL26E
    refund_due_at INTEGER,                          -- the dossier ended in a way that returns the fee
    refund_reason TEXT,
    refunded_at   INTEGER,
    refunded_by   INTEGER REFERENCES users (id),
    version       INTEGER NOT NULL DEFAULT 1,
    CHECK (amount > 0),
    CHECK (stage IN ('receipt', 'return')),
    CHECK (status IN ('requested', 'paid', 'failed', 'refunded')),
    CHECK (method IS NULL OR method IN ('vnpay', 'vietqr', 'cash'))
);
CREATE INDEX payments_agency_paid ON payments (agency_id, paid_at);
CREATE UNIQUE INDEX payments_receipt ON payments (agency_id, receipt_symbol, receipt_no);

-- each VNPAY order sent to the gateway for a payment (vnp_TxnRef): the
-- notification (IPN) of an order is taken once
CREATE TABLE payment_orders (
    txn_ref      TEXT PRIMARY KEY,                  -- vnp_TxnRef: the payment's id and the attempt
    payment_id   INTEGER NOT NULL REFERENCES payments (id),
    amount       INTEGER NOT NULL,                  -- đồng (the gateway's vnp_Amount is 100 times it)
    created_at   INTEGER NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending',   -- pending | paid | failed
    response     TEXT,                              -- vnp_ResponseCode of the IPN
    transaction_no TEXT,                            -- vnp_TransactionNo
    bank_code    TEXT,
    pay_date     TEXT,                              -- vnp_PayDate, as the gateway says it
    confirmed_at INTEGER,
    unmatched    INTEGER NOT NULL DEFAULT 0,        -- 1: paid although the payment was settled already (to refund)
    CHECK (status IN ('pending', 'paid', 'failed'))
);
CREATE INDEX payment_orders_payment ON payment_orders (payment_id);

-- the e-receipts' series: one per agency and year
CREATE TABLE payment_receipt_seq (
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    year      INTEGER NOT NULL,
    last_no   INTEGER NOT NULL,
    PRIMARY KEY (agency_id, year)
);

-- the trail of a payment: requested, paid, failed, refund_due, refunded ...
CREATE TABLE payment_events (
    id         INTEGER PRIMARY KEY,
    payment_id INTEGER NOT NULL REFERENCES payments (id),
    at         INTEGER NOT NULL,
    actor_id   INTEGER REFERENCES users (id),       -- NULL: the gateway, the system
    action     TEXT NOT NULL,
    detail     TEXT NOT NULL                        -- JSON
);
CREATE INDEX payment_events_payment ON payment_events (payment_id, id);

-- who collects: the counter clerk records cash (payment.collect); the
-- agency's accountant records bank transfers, refunds and reads the daily
-- reconciliation (payment.manage); administrators keep the collection
-- accounts (payment.accounts)
INSERT INTO roles (code, kind, name, name_en) VALUES
 ('accountant', 'official', 'Kế toán thu phí, lệ phí', 'Fee accountant');
INSERT INTO permissions (code, name, name_en) VALUES
 ('payment.collect',  'Thu phí, lệ phí bằng tiền mặt tại quầy', 'Collect fees in cash at the counter'),
 ('payment.manage',   'Quản lý thu phí, lệ phí, hoàn phí, đối soát', 'Manage fee payments, refunds and reconciliation'),
 ('payment.accounts', 'Quản lý tài khoản thu phí, lệ phí', 'Manage fee collection accounts');
INSERT INTO role_permissions (role_code, perm_code) VALUES
 ('clerk', 'payment.collect'),
 ('accountant', 'payment.manage'), ('accountant', 'directory.read'), ('accountant', 'dossier.read'),
 ('agency_admin', 'payment.accounts'), ('sys_admin', 'payment.accounts'), ('sys_admin', 'payment.manage');
-- everyday work an agency administrator hands out (to its clerks and
-- accountants) without doing it
UPDATE permissions SET guarded = 0 WHERE code IN ('payment.collect', 'payment.manage');
