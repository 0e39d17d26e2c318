-- The keys that protect sign-in cookies (ASP.NET Core Data Protection), shared by every node of a cluster, so a
-- tablet signed in through one node stays signed in through another. One XML element per key, never rewritten.
CREATE TABLE settingcontrol_sign_in_keys
(
    name       text        NOT NULL PRIMARY KEY,
    xml        text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
