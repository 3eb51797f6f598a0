-- The message (by seq) a conversation's stored analysis runs up to. Two job threads or processes can refresh one
-- conversation at once; a refresh that read fewer messages must not overwrite one that read more when it commits last.
-- Null (analyses stored before this column) is overwritten by any refresh.
alter table conversation_analyses add column through_seq bigint;
