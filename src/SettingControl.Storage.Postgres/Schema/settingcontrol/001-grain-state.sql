-- SettingControl's own tables: grain state (one JSON document per grain and state name, with an integer ETag) and the
-- append-only journal (session record entries), written in the same transaction as the state that produced them.

CREATE TABLE settingcontrol_grain_state
(
    grain_id   text        NOT NULL,
    state_name text        NOT NULL,
    etag       bigint      NOT NULL,
    payload    text        NOT NULL,
    written_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_settingcontrol_grain_state PRIMARY KEY (grain_id, state_name)
);

CREATE TABLE settingcontrol_journal
(
    stream     text        NOT NULL,
    sequence   bigint      NOT NULL,
    kind       text        NOT NULL,
    payload    text        NOT NULL,
    written_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_settingcontrol_journal PRIMARY KEY (stream, sequence)
);

-- The readiness probe's one row: a write that proves the database takes writes again after a failure.
CREATE TABLE settingcontrol_storage_probe
(
    id         integer     NOT NULL PRIMARY KEY,
    written_at timestamptz NOT NULL
);
