// @generated automatically by Diesel CLI.

diesel::table! {
    audit_log (id) {
        id -> Integer,
        table_name -> Text,
        operation -> Text,
        user_id -> Nullable<Integer>,
        changed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        username -> Text,
        email -> Text,
        created_by -> Text,
        updated_by -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(audit_log, users,);
