-- Every message moves its conversation's clocks (last_message_at, waiting_since, updated_at). With last_message_at in an
-- index, each of those updates wrote a new entry into every index of the table; with no indexed column changed, and room
-- left on the page, PostgreSQL updates the row in place (a HOT update) and touches no index. The inbox orders by
-- last_message_at desc nulls last, which the old (status, last_message_at desc) index could not serve anyway (its nulls
-- sort first), and counts every matching row for its total, so it reads them all either way.
drop index conversations_status;
create index conversations_status on conversations (status);
alter table conversations set (fillfactor = 85);
