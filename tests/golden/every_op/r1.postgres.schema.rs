// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "mood"))]
    pub struct Mood;

    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "pet_kind"))]
    pub struct PetKind;
}

diesel::table! {
    friends (a, b) {
        a -> Int4,
        b -> Int4,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Mood;

    people (id) {
        id -> Int4,
        #[max_length = 255]
        email -> Varchar,
        name -> Nullable<Text>,
        mood -> Nullable<Mood>,
        active -> Bool,
        born -> Nullable<Date>,
        wakes -> Nullable<Time>,
        created_at -> Timestamptz,
        token -> Nullable<Uuid>,
        prefs -> Nullable<Json>,
        avatar -> Nullable<Bytea>,
        big -> Nullable<Int8>,
        ratio -> Nullable<Float4>,
        precise -> Nullable<Float8>,
        about -> Nullable<Varchar>,
        #[max_length = 30]
        nickname -> Varchar,
        ref_id -> Nullable<Int4>,
        level -> Nullable<Int4>,
        seen_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::PetKind;

    pets (id) {
        id -> Int4,
        owner_id -> Int4,
        kind -> Nullable<PetKind>,
    }
}

diesel::joinable!(pets -> people (owner_id));

diesel::allow_tables_to_appear_in_same_query!(friends, people, pets,);
