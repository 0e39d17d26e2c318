-- The small documents a single node keeps as files in its data directory (broker accounts, the controller's broker
-- login, bridge and device registrations, per-room audio outputs), shared by every node of a cluster. A write names
-- the version it read, so two nodes changing one document at once cannot lose each other's change.
CREATE TABLE settingcontrol_documents
(
    name       text        NOT NULL PRIMARY KEY,
    content    text        NOT NULL,
    version    bigint      NOT NULL,
    written_at timestamptz NOT NULL DEFAULT now()
);
