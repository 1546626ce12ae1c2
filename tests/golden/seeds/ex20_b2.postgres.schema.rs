// @generated automatically by Diesel CLI.

diesel::table! {
    products (id) {
        id -> Int4,
        price -> Numeric,
        #[max_length = 20]
        status -> Varchar,
        quantity -> Int4,
    }
}
