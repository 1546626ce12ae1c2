// @generated automatically by Diesel CLI.

diesel::table! {
    products (id) {
        id -> Integer,
        price -> Double,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        email -> Text,
        status -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(products, users,);
