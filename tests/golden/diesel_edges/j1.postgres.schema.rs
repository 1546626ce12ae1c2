// @generated automatically by Diesel CLI.

diesel::table! {
    a (id) {
        id -> Int4,
        b_id -> Nullable<Int4>,
    }
}

diesel::table! {
    b (id) {
        id -> Int4,
        a_id -> Nullable<Int4>,
    }
}

diesel::table! {
    codes (id) {
        id -> Int4,
        #[max_length = 10]
        code -> Varchar,
    }
}

diesel::table! {
    pairs (x, y) {
        x -> Int4,
        y -> Int4,
    }
}

diesel::table! {
    uses (id) {
        id -> Int4,
        #[max_length = 10]
        code -> Nullable<Varchar>,
        x -> Nullable<Int4>,
        y -> Nullable<Int4>,
        a_id -> Nullable<Int4>,
    }
}

diesel::joinable!(uses -> a (a_id));

diesel::allow_tables_to_appear_in_same_query!(a, b, codes, pairs, uses,);
