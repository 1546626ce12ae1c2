// @generated automatically by Diesel CLI.

diesel::table! {
    products (id) {
        id -> Int4,
        price -> Numeric,
    }
}

diesel::table! {
    users (id) {
        id -> Int4,
        #[max_length = 255]
        email -> Varchar,
        #[max_length = 20]
        status -> Nullable<Varchar>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(products, users,);
