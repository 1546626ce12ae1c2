// @generated automatically by Diesel CLI.

diesel::table! {
    orders (id) {
        id -> Integer,
        user_id -> Integer,
        status -> Text,
        tenant_id -> Integer,
        created_at -> Timestamp,
    }
}
