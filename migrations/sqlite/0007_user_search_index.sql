-- the user list's search matches a substring of the username, the email's key, the
-- first or the last name. a like '%term%' cannot use a b-tree, so every search read
-- the whole table (issue 8). sqlite's answer is an fts5 table with the trigram
-- tokenizer: every three-character sequence of the four fields is a token, so a phrase
-- of the term's trigrams finds the rows holding it as a substring (terms of three
-- characters or more; shorter ones still walk the username index). it folds case
-- itself, so it finds a superset of what the old lower(...) like ... found; the list
-- rechecks that same condition on each candidate, so the results do not change.
--
-- an fts5 row is found by an integer rowid. users has no integer primary key, and
-- vacuum may renumber the implicit rowid of such a table, so user_search_rows gives
-- each user a rowid of its own (an integer primary key, which vacuum keeps).
create table user_search_rows (
    search_rowid integer primary key,
    user_id blob not null constraint user_search_rows_user unique
);

-- the fts5 table keeps its own copy of the four fields (a few megabytes per 100,000
-- users); an external-content table would read users by its unstable rowid.
create virtual table user_search using fts5 (
    username,
    email_key,
    first_name,
    last_name,
    tokenize = 'trigram'
);

insert into user_search_rows (user_id)
select id
from users
order by username_key;

insert into user_search (rowid, username, email_key, first_name, last_name)
select r.search_rowid, u.username, u.email_key, u.first_name, u.last_name
from users u
join user_search_rows r on r.user_id = u.id;

-- triggers keep the index in step with every write to users, whoever makes it (the
-- core, a rekey, an operator's sql). A MIGRATION THAT REBUILDS users (as 0006 did)
-- DROPS THESE TRIGGERS WITH THE TABLE AND MUST CREATE THEM AGAIN.
create trigger user_search_insert after insert on users
begin
    insert into user_search_rows (user_id) values (new.id);
    insert into user_search (rowid, username, email_key, first_name, last_name)
    values (
        (select search_rowid from user_search_rows where user_id = new.id),
        new.username, new.email_key, new.first_name, new.last_name
    );
end;

create trigger user_search_update
after update of username, email_key, first_name, last_name on users
begin
    update user_search
    set
        username = new.username,
        email_key = new.email_key,
        first_name = new.first_name,
        last_name = new.last_name
    where rowid = (select search_rowid from user_search_rows where user_id = new.id);
end;

create trigger user_search_delete after delete on users
begin
    delete from user_search
    where rowid = (select search_rowid from user_search_rows where user_id = old.id);
    delete from user_search_rows where user_id = old.id;
end;
