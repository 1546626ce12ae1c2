// @generated automatically by Diesel CLI.

diesel::table! {
    manual (id) {
        id -> BigInt,
        code -> Nullable<Text>,
    }
}

diesel::table! {
    pairs (x, y) {
        x -> Integer,
        y -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(manual, pairs,);
