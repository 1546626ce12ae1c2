// @generated automatically by Diesel CLI.

diesel::table! {
    orders (id) {
        id -> Int4,
        total -> Numeric,
        #[max_length = 20]
        status -> Varchar,
    }
}

diesel::table! {
    users (id) {
        id -> Int4,
        #[max_length = 50]
        username -> Varchar,
        #[max_length = 255]
        email -> Varchar,
    }
}

diesel::allow_tables_to_appear_in_same_query!(orders, users,);
