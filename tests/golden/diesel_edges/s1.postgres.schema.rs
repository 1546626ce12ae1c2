// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "currency", schema = "sales"))]
    pub struct Currency;
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Currency;

    invoices (id) {
        id -> Int4,
        cur -> Currency,
        region_id -> Nullable<Int4>,
    }
}
