// @generated automatically by Diesel CLI.

diesel::table! {
    products (id) {
        id -> Int4,
        #[max_length = 200]
        name -> Varchar,
        price -> Numeric,
        description -> Nullable<Text>,
        stock -> Int4,
        active -> Bool,
        created_at -> Timestamptz,
    }
}
