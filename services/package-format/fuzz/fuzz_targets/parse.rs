//! Fuzz `Package::parse` with arbitrary bytes: nothing may panic, and what
//! parses must answer every accessor.
#![no_main]

use libfuzzer_sys::fuzz_target;
use weft_package_format::Package;

fuzz_target!(|data: &[u8]| {
    if let Ok(package) = Package::parse(data, 1 << 20) {
        let _ = package.verify_publisher(&[[0; 32]]);
        let _ = package.supports("aarch64-weft");
        for entry in package.files() {
            let contents = package.file(&entry.path).expect("a listed file reads");
            assert_eq!(contents.len() as u64, entry.size);
        }
    }
});
