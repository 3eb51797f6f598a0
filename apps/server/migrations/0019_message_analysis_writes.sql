-- Every analysed message also wrote these. The version index served no query: the backfill looks for analyses not made
-- by the current engine and lexicon (<>), which a btree cannot answer. The conversation's foreign key repeated what the
-- message's already implies (an analysis goes with its message, a message with its conversation, both on delete
-- cascade), at the price of one more key lookup and row lock per analysed message.
drop index if exists message_analyses_version;
alter table message_analyses drop constraint if exists message_analyses_conversation_id_fkey;
