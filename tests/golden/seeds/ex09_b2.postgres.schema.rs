// @generated automatically by Diesel CLI.

diesel::table! {
    products (id) {
        id -> Int4,
        #[max_length = 200]
        name -> Varchar,
        #[max_length = 50]
        sku -> Nullable<Varchar>,
    }
}
