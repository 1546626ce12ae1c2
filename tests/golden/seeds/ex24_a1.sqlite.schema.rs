// @generated automatically by Diesel CLI.

diesel::table! {
    orders (id) {
        id -> Integer,
        status -> Text,
        total -> Double,
    }
}
