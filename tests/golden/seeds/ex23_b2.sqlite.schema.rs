// failed: upgrade ex23_b2
// Running upgrade  -> ex23_a1, prerequisite: create products table ... done
// Running upgrade ex23_a1 -> ex23_b2, add audit log and product timestamps ... error: upgrade ex23_b2 (add audit log and product timestamps) failed at op 2 `add_column`: unknown function: NOW()
//   SQL: INSERT INTO "_migrate_new_products" ("id", "name") SELECT "id", "name" FROM "products"
// the migration was rolled back: the database is still at ex23_a1
