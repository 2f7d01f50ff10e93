fn main() {
    meshtls_web::panic::install();
    meshtls_web::panic::listen_for_selftest();
    leptos::mount::mount_to_body(meshtls_web::App);
}
