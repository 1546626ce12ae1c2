// @generated automatically by Diesel CLI.

diesel::table! {
    events (rowid) {
        rowid -> Integer,
        at -> Integer,
    }
}

diesel::table! {
    keyed (id) {
        id -> Integer,
    }
}

diesel::allow_tables_to_appear_in_same_query!(events, keyed,);
