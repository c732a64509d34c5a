-- A document's file size and times beside its hash, so a load hashes only the files whose stat changed.
-- NULL until a load has seen the file; the covering index lets a load read them without the article text.
ALTER TABLE documents ADD COLUMN file_size INTEGER;
ALTER TABLE documents ADD COLUMN file_mtime_ns INTEGER;
ALTER TABLE documents ADD COLUMN file_ctime_ns INTEGER;
CREATE INDEX documents_files ON documents(name, content_hash, file_size, file_mtime_ns, file_ctime_ns);
