-- This file should undo anything in `up.sql` (the index goes with its table:
-- MariaDB keeps it for the foreign key)
DROP TABLE posts;
