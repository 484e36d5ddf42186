-- the user's session generation, carried in every access token as the `sgen` claim.
-- every password change or reset adds one, and a token whose generation differs is
-- refused. it replaces the check against sessions_valid_after, which compared whole
-- seconds: a token issued in the same second as a reset survived it. a counter has no
-- resolution to lose and needs no clock agreement between desktops. (sessions_valid_after
-- is still written, as a record of when the sessions last ended, and no longer read.)
-- existing users start at 0; tokens issued before this migration carry no `sgen` and
-- are refused, which signs everyone in again once (access tokens live a day at most).
alter table users add column session_generation bigint not null default 0;
