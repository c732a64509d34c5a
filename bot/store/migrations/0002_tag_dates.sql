-- Topic and country selections list statements newest first. With each statement's date beside its tag,
-- an index hands them over in that order instead of every tagged statement being joined and sorted.
ALTER TABLE statement_topics ADD COLUMN date TEXT;
ALTER TABLE statement_countries ADD COLUMN date TEXT;
UPDATE statement_topics SET date = (SELECT date FROM statements WHERE id = statement_id);
UPDATE statement_countries SET date = (SELECT date FROM statements WHERE id = statement_id);
CREATE INDEX statement_topics_by_date ON statement_topics(topic, date, statement_id);
CREATE INDEX statement_countries_by_date ON statement_countries(country, date, statement_id);
