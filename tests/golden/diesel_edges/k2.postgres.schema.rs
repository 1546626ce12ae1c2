// @generated automatically by Diesel CLI.

diesel::table! {
    manual (id) {
        id -> Int8,
        #[max_length = 5]
        code -> Nullable<Varchar>,
    }
}

diesel::table! {
    pairs (x, y) {
        x -> Int4,
        #[max_length = 10]
        y -> Varchar,
    }
}

diesel::allow_tables_to_appear_in_same_query!(manual, pairs,);
