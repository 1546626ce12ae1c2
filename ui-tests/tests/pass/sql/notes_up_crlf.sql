CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL
);
INSERT INTO notes (id, body) VALUES (1, 'saved with LF');
