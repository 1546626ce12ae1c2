-- no-transaction
ALTER TABLE posts ADD COLUMN published BOOLEAN NOT NULL DEFAULT FALSE;
-- drafts stay unpublished
