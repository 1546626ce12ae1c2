// failed: upgrade o1
// Running upgrade  -> p1, tables, columns, indexes, enum, comments, rows ... done
// Running upgrade p1 -> p2, add, rename and drop columns; indexes of every shape; rename a table ... done
// Running upgrade p2 -> p3, data with SQL per database, and Rust code ... done
// Running upgrade p3 -> o1, leaves a pet whose owner does not exist (fails: SQLite's foreign key check, PostgreSQL's constraint) ... error: upgrade o1 (leaves a pet whose owner does not exist (fails: SQLite's foreign key check, PostgreSQL's constraint)) failed at op 2 `execute`: insert or update on table "pets" violates foreign key constraint "fk_pets_owner_id_people"
//   SQL: INSERT INTO pets (id, owner_id, kind) VALUES (99, 999, 'dog')
// the migration was rolled back: the database is still at p3
