// @generated automatically by Diesel CLI.

diesel::table! {
    items (id) {
        id -> Integer,
        #[sql_name = "items"]
        items_ -> Nullable<Integer>,
        #[sql_name = "fn"]
        fn_ -> Nullable<Text>,
        #[sql_name = "first name"]
        first_name -> Nullable<Text>,
        #[sql_name = "2nd"]
        _2nd -> Nullable<Integer>,
        #[sql_name = "columns"]
        columns_ -> Nullable<Integer>,
        Mixed -> Nullable<Integer>,
        trailing_ -> Nullable<Integer>,
    }
}

diesel::table! {
    #[sql_name = "order lines"]
    order_lines (line_id) {
        #[sql_name = "line id"]
        line_id -> Integer,
        item_id -> Nullable<Integer>,
    }
}

diesel::table! {
    orders (id) {
        id -> Integer,
        status -> Text,
        mood -> Nullable<Text>,
    }
}

diesel::table! {
    #[sql_name = "type"]
    type_ (id) {
        id -> Integer,
        item_id -> Nullable<Integer>,
    }
}

diesel::joinable!(order_lines -> items (item_id));
diesel::joinable!(type_ -> items (item_id));

diesel::allow_tables_to_appear_in_same_query!(items, order_lines, orders, type_,);
