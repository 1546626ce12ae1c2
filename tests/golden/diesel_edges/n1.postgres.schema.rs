// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "mood_2"))]
    pub struct Mood2;

    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "orderStatus"))]
    pub struct OrderStatus;
}

diesel::table! {
    items (id) {
        id -> Int4,
        #[sql_name = "items"]
        items_ -> Nullable<Int4>,
        #[sql_name = "fn"]
        fn_ -> Nullable<Text>,
        #[sql_name = "first name"]
        first_name -> Nullable<Text>,
        #[sql_name = "2nd"]
        _2nd -> Nullable<Int4>,
        #[sql_name = "columns"]
        columns_ -> Nullable<Int4>,
        Mixed -> Nullable<Int4>,
        trailing_ -> Nullable<Int4>,
    }
}

diesel::table! {
    #[sql_name = "order lines"]
    order_lines (line_id) {
        #[sql_name = "line id"]
        line_id -> Int4,
        item_id -> Nullable<Int4>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::OrderStatus;
    use super::sql_types::Mood2;

    orders (id) {
        id -> Int4,
        status -> OrderStatus,
        mood -> Nullable<Mood2>,
    }
}

diesel::table! {
    #[sql_name = "type"]
    type_ (id) {
        id -> Int4,
        item_id -> Nullable<Int4>,
    }
}

diesel::joinable!(order_lines -> items (item_id));
diesel::joinable!(type_ -> items (item_id));

diesel::allow_tables_to_appear_in_same_query!(items, order_lines, orders, type_,);
