// @generated automatically by Diesel CLI.

diesel::table! {
    orders (id) {
        id -> Integer,
        total -> Double,
        status -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        username -> Text,
        email -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(orders, users,);
