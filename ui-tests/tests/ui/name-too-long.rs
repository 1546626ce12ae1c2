use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod long_names {
    fn upgrade() {
        op!(create_index(
            "ix_customer_subscription_invoices_billing_period_start_and_end_dates",
            "invoices",
            ["period_start"],
        ));
        op!(create_index(
            None,
            "customer_subscription_invoice_lines",
            ["billing_period_start", "billing_period_end"],
        ));
    }
}

fn main() {}
