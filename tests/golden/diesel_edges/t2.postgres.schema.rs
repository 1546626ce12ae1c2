// @generated automatically by Diesel CLI.

diesel::table! {
    documents (id) {
        id -> Int4,
        plain -> Nullable<Json>,
        binary -> Jsonb,
    }
}
