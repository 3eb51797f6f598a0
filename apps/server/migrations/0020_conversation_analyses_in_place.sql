-- A conversation's analysis row (about 1.7 KB with its lz4-compressed document) is rewritten with every message of the
-- conversation. With full pages only 44 % of those rewrites were in place (HOT) in the ingest benchmark; the rest moved
-- the row to another page and wrote a new primary-key entry, and the table grew to 35 MB of dead versions for 2,000
-- live rows. Half-full pages leave room for the next version beside the current one.
alter table conversation_analyses set (fillfactor = 50);
