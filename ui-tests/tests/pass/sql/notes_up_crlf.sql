CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL
);
INSERT INTO notes (id, body) SELECT 1, 'saved with LF or CRLF' WHERE NOT EXISTS (SELECT 1 FROM notes);
