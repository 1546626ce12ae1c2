// @generated automatically by Diesel CLI.

diesel::table! {
    products (id) {
        id -> Integer,
        price -> Double,
        status -> Text,
        quantity -> Integer,
    }
}
