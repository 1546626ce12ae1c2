// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "order_status"))]
    pub struct OrderStatus;
}

diesel::table! {
    audit_log (id) {
        id -> Int4,
        #[max_length = 100]
        table_name -> Varchar,
        #[max_length = 10]
        operation -> Varchar,
        user_id -> Nullable<Int4>,
        changed_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::OrderStatus;

    orders (id) {
        id -> Int4,
        user_id -> Int4,
        status -> OrderStatus,
        total -> Numeric,
        tenant_id -> Int4,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    products (id) {
        id -> Int4,
        #[max_length = 200]
        name -> Varchar,
        #[max_length = 50]
        sku -> Nullable<Varchar>,
        price -> Numeric,
        description -> Nullable<Text>,
        stock -> Int4,
        active -> Bool,
    }
}

diesel::table! {
    roles (id) {
        id -> Int4,
        #[max_length = 50]
        name -> Varchar,
        #[max_length = 255]
        description -> Nullable<Varchar>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Uuid,
        user_id -> Int4,
        #[max_length = 512]
        token -> Varchar,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    user_roles (user_id, role_id) {
        user_id -> Int4,
        role_id -> Int4,
    }
}

diesel::table! {
    users (id) {
        id -> Int4,
        #[max_length = 50]
        username -> Varchar,
        #[max_length = 255]
        email -> Varchar,
        created_at -> Timestamptz,
        #[max_length = 20]
        account_type -> Varchar,
    }
}

diesel::joinable!(orders -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(user_roles -> roles (role_id));
diesel::joinable!(user_roles -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    audit_log, orders, products, roles, sessions, user_roles, users,
);
