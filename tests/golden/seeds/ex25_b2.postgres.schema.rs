// @generated automatically by Diesel CLI.

diesel::table! {
    orders (id) {
        id -> Int4,
        user_id -> Int4,
        #[max_length = 20]
        status -> Varchar,
        tenant_id -> Int4,
        created_at -> Timestamptz,
    }
}
