// @generated automatically by Diesel CLI.

diesel::table! {
    products (id) {
        id -> Integer,
        name -> Text,
        price -> Double,
        description -> Nullable<Text>,
        stock -> Integer,
        active -> Bool,
        created_at -> Timestamp,
    }
}
