// @generated automatically by Diesel CLI.

diesel::table! {
    sessions (id) {
        id -> Uuid,
        user_id -> Uuid,
        #[max_length = 512]
        token -> Varchar,
        expires_at -> Timestamptz,
    }
}
