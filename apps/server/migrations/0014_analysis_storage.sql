-- A conversation's analysis is rewritten with every new message. Parsing that document into jsonb cost PostgreSQL more
-- than the rest of the ingest path (measured: a json column with lz4 takes a third of the time of jsonb with pglz), and
-- jsonb's only gain was fast reads of a few fields by the aggregates. So the document is kept as json (stored as sent)
-- and the fields the aggregates read become columns.
alter table conversation_analyses add column lang text;
alter table conversation_analyses add column turnaround double precision;
alter table conversation_analyses add column peak_emotion text;
alter table conversation_analyses add column peak_sentiment double precision;
alter table conversation_analyses add column satisfaction_label text;

update conversation_analyses set
  lang = result->>'lang',
  turnaround = case when jsonb_typeof(result->'turnaround') = 'number' then (result->>'turnaround')::float8 end,
  peak_emotion = result->'peak'->>'emotion',
  peak_sentiment = case when jsonb_typeof(result->'peak'->'sentiment') = 'number' then (result->'peak'->>'sentiment')::float8 end,
  satisfaction_label = result->'satisfaction'->>'label';

alter table conversation_analyses alter column result type json using result::json;

-- lz4 compresses several times faster than the default pglz; servers built without it keep pglz.
do $$
begin
  if exists (select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)) then
    alter table conversation_analyses alter column result set compression lz4;
    alter table message_analyses alter column result set compression lz4;
  end if;
end
$$;
