// @generated automatically by Diesel CLI.

diesel::table! {
    audit_log (id) {
        id -> Integer,
        table_name -> Text,
        operation -> Text,
        user_id -> Nullable<Integer>,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    orders (id) {
        id -> Integer,
        user_id -> Integer,
        status -> Text,
        total -> Double,
        tenant_id -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    products (id) {
        id -> Integer,
        name -> Text,
        sku -> Nullable<Text>,
        price -> Double,
        description -> Nullable<Text>,
        stock -> Integer,
        active -> Bool,
    }
}

diesel::table! {
    roles (id) {
        id -> Integer,
        name -> Text,
        description -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Integer,
        token -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    user_roles (user_id, role_id) {
        user_id -> Integer,
        role_id -> Integer,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        username -> Text,
        email -> Text,
        created_at -> Timestamp,
        account_type -> Text,
    }
}

diesel::joinable!(orders -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(user_roles -> roles (role_id));
diesel::joinable!(user_roles -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    audit_log, orders, products, roles, sessions, user_roles, users,
);
