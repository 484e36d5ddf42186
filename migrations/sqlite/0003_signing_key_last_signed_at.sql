-- when the key last signed a token. a key that has signed nothing for longer than
-- the longest access token lives cannot verify any live token, so it leaves the jwks
-- and verification without anyone retiring it (server processes register a key per
-- start, and their old keys would otherwise be published forever). null: only the
-- row's created_at is known.
alter table signing_keys add column last_signed_at text;
