// @generated automatically by Diesel CLI.

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        token -> Text,
        expires_at -> Timestamp,
    }
}
