-- the user list's search matches a substring of the username, the email's key, the
-- first or the last name. a like '%term%' cannot use a b-tree, so every search read
-- the whole table (issue 8). pg_trgm's gin operator class indexes every
-- three-character sequence and answers like '%term%' itself (the index finds
-- candidates, the executor rechecks the condition), so the list's condition stays as
-- it was and each of its four parts gets an index on the very expression it compares:
-- the planner or's the four bitmaps. pg_trgm is a trusted extension (postgresql 13 and
-- later): the database's owner may create it without being a superuser. it ships with
-- the server (debian's postgresql-15 package; postgresql-contrib elsewhere).
--
-- fastupdate off: by default a gin index queues new entries in a pending list that
-- every search reads in full until vacuum merges it, so after a bulk import searches
-- took 10-20 times longer (the scale bench measured 286 ms for 'grace.'). users are
-- written one at a time and rarely, so merging each insert at once costs little.
create extension if not exists pg_trgm;

create index users_search_username
on users using gin (lower(username) gin_trgm_ops)
with (fastupdate = off);

create index users_search_email
on users using gin (email_key gin_trgm_ops)
with (fastupdate = off);

create index users_search_first_name
on users using gin (lower(coalesce(first_name, '')) gin_trgm_ops)
with (fastupdate = off);

create index users_search_last_name
on users using gin (lower(coalesce(last_name, '')) gin_trgm_ops)
with (fastupdate = off);
