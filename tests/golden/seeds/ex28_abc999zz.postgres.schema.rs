// @generated automatically by Diesel CLI.

diesel::table! {
    audit_log (id) {
        id -> Int4,
        #[max_length = 100]
        table_name -> Varchar,
        #[max_length = 10]
        operation -> Varchar,
        user_id -> Nullable<Int4>,
        changed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    users (id) {
        id -> Int4,
        #[max_length = 50]
        username -> Varchar,
        #[max_length = 255]
        email -> Varchar,
        #[max_length = 255]
        created_by -> Varchar,
        #[max_length = 255]
        updated_by -> Varchar,
    }
}

diesel::allow_tables_to_appear_in_same_query!(audit_log, users,);
