// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "switch_state"))]
    pub struct SwitchState;
}

diesel::table! {
    small_keyed (id) {
        id -> Int2,
        typed_id -> Nullable<Int8>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::SwitchState;

    typed (id) {
        id -> Int8,
        small -> Int2,
        int -> Int4,
        big -> Nullable<Int8>,
        varchar -> Nullable<Varchar>,
        #[max_length = 40]
        varchar_n -> Varchar,
        text -> Nullable<Text>,
        flag -> Nullable<Bool>,
        exact -> Nullable<Numeric>,
        exact_any -> Nullable<Numeric>,
        single -> Nullable<Float4>,
        double -> Nullable<Float8>,
        day -> Nullable<Date>,
        at_time -> Nullable<Time>,
        stamp -> Nullable<Timestamp>,
        stamp_tz -> Nullable<Timestamptz>,
        uid -> Nullable<Uuid>,
        bytes -> Nullable<Bytea>,
        state -> Nullable<SwitchState>,
    }
}

diesel::joinable!(small_keyed -> typed (typed_id));

diesel::allow_tables_to_appear_in_same_query!(small_keyed, typed,);
