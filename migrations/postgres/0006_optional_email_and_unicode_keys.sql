-- seed 004 creates ordinary users from a username and a password alone: the email
-- becomes optional, and so does its key. the unique constraint stays and still holds
-- for every address given (a unique constraint treats nulls as distinct). admins and
-- the setup's first admin still need one: the core requires it, not the schema.
alter table users alter column email drop not null;
alter table users alter column email_key drop not null;

-- one-time steps the application runs after the migrations because sql cannot do
-- them (the unicode keys of usernames and emails: nfkc, case folding and idna exist
-- only in the application). a step's row is claimed in the transaction that does it,
-- so several desktops connecting at once run it exactly once.
create table data_steps (
    step text primary key,
    done_at timestamptz not null
);
