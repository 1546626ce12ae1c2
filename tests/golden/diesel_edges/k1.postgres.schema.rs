// failed: diesel print-schema
// Diesel only supports tables with primary keys. Table `events` has no primary key
