// @generated automatically by Diesel CLI.

diesel::table! {
    small_keyed (id) {
        id -> Integer,
        typed_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    typed (id) {
        id -> Integer,
        small -> SmallInt,
        int -> Integer,
        big -> Nullable<BigInt>,
        varchar -> Nullable<Text>,
        varchar_n -> Text,
        text -> Nullable<Text>,
        flag -> Nullable<Bool>,
        exact -> Nullable<Double>,
        exact_any -> Nullable<Double>,
        single -> Nullable<Float>,
        double -> Nullable<Double>,
        day -> Nullable<Date>,
        at_time -> Nullable<Time>,
        stamp -> Nullable<Timestamp>,
        stamp_tz -> Nullable<Timestamp>,
        uid -> Nullable<Text>,
        bytes -> Nullable<Binary>,
        state -> Nullable<Text>,
    }
}

diesel::joinable!(small_keyed -> typed (typed_id));

diesel::allow_tables_to_appear_in_same_query!(small_keyed, typed,);
