//! The compositor, input service and hosted display started by the real
//! root manager from their own `manifest.toml` files, with a client
//! program: the manifests route everything the services need.

use std::time::Duration;

use weft_display_hosted::HostDisplay;
use weft_kernel_hosted::Hosted;
use weft_manifest::compile::parse_manifest;
use weft_testing::clients::test_client;
use weft_testing::{BootOptions, System, bundle_for, manifest};

#[test]
fn the_root_manager_starts_the_graphics_stack_from_manifests() {
    let hosted = Hosted::new();
    hosted.register_program("test-client", test_client);
    let client = parse_manifest(
        r#"
name = "red"
program = "test-client"
restart = "never"
[args]
color = "ff0000"
title = "red"
[[use]]
protocol = "weft.compositor"
"#,
        "red",
    )
    .unwrap();
    let manifests = vec![
        manifest("services/log"),
        manifest("services/input"),
        manifest("services/drivers/display-hosted"),
        manifest("compositor/service"),
        client,
    ];
    let display = HostDisplay::headless(640, 480);
    let system = System::boot_on(
        hosted,
        BootOptions {
            bundle: bundle_for("graphics", manifests),
            echo: std::env::var_os("WEFT_TEST_ECHO").is_some(),
            devices: vec![("device:display".into(), display.clone())],
        },
    )
    .unwrap();
    let (shot, ok) = display.wait_for(Duration::from_secs(30), |s| {
        (0..s.height).step_by(4).any(|y| (0..s.width).step_by(4).any(|x| s.pixel(x, y)[..3] == [255, 0, 0]))
    });
    assert!(ok, "no red window; corner pixel {:?}", shot.pixel(2, 2));
    system.shutdown();
}
