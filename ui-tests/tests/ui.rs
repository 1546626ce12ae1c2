//! Every compile-time error of `#[migration]`, `op!` and `migrations!()`,
//! pinned with the exact message a user sees, and the forms that must compile.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/pass/*.rs");
}
