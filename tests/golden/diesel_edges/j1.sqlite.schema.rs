// @generated automatically by Diesel CLI.

diesel::table! {
    a (id) {
        id -> Integer,
        b_id -> Nullable<Integer>,
    }
}

diesel::table! {
    b (id) {
        id -> Integer,
        a_id -> Nullable<Integer>,
    }
}

diesel::table! {
    codes (id) {
        id -> Integer,
        code -> Text,
    }
}

diesel::table! {
    pairs (x, y) {
        x -> Integer,
        y -> Integer,
    }
}

diesel::table! {
    uses (id) {
        id -> Integer,
        code -> Nullable<Text>,
        x -> Nullable<Integer>,
        y -> Nullable<Integer>,
        a_id -> Nullable<Integer>,
    }
}

diesel::joinable!(uses -> a (a_id));

diesel::allow_tables_to_appear_in_same_query!(a, b, codes, pairs, uses,);
