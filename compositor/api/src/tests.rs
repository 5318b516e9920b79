use alloc::string::String;
use alloc::vec;
use proptest::prelude::*;

use super::client::Damage;
use super::*;

#[test]
fn requests_round_trip_through_the_wire_format() {
    let request = Request::Present {
        surface: SurfaceId(3),
        buffer: Some(BufferId(7)),
        damage: vec![Rect::new(1, 2, 3, 4)],
    };
    let bytes = weft_ipc::wire::encode(1, weft_ipc::wire::Kind::Request, &request).unwrap();
    let (_, body) = weft_ipc::wire::header(1, &bytes).unwrap();
    assert_eq!(weft_ipc::wire::body::<Request>(body).unwrap(), request);
}

#[test]
fn buffer_layouts_are_checked() {
    assert!(BufferLayout::packed(640, 480).validate().is_ok());
    assert!(BufferLayout::packed(0, 480).validate().is_err());
    assert!(BufferLayout::packed(MAX_BUFFER_SIDE + 1, 1).validate().is_err());
    let mut layout = BufferLayout::packed(10, 10);
    layout.stride = 39;
    assert!(layout.validate().is_err());
    layout.stride = 36;
    assert!(layout.validate().is_err());
    layout.stride = 64;
    layout.offset = 100;
    assert!(layout.validate().is_err());
}

#[test]
fn damage_collapses_and_clips() {
    let mut damage = Damage::new();
    assert!(damage.is_empty());
    for i in 0..20 {
        damage.add(Rect::new(i * 10, 0, 5, 5));
    }
    let rects = damage.rects_within(Rect::new(0, 0, 100, 100));
    assert_eq!(rects, vec![Rect::new(0, 0, 100, 5)]);
    damage.add_all(&[]);
    assert!(damage.is_full());
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_the_decoder(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = weft_ipc::wire::body::<Request>(&bytes);
        let _ = weft_ipc::wire::body::<shell::ShellRequest>(&bytes);
    }

    #[test]
    fn rect_intersection_is_inside_both(
        a in (-50i32..50, -50i32..50, 0u32..80, 0u32..80),
        b in (-50i32..50, -50i32..50, 0u32..80, 0u32..80),
    ) {
        let a = Rect::new(a.0, a.1, a.2, a.3);
        let b = Rect::new(b.0, b.1, b.2, b.3);
        if let Some(i) = a.intersect(&b) {
            prop_assert_eq!(i.intersect(&a), Some(i));
            prop_assert_eq!(i.intersect(&b), Some(i));
        }
        let u = a.union(&b);
        if !a.is_empty() { prop_assert_eq!(u.intersect(&a), Some(a)); }
        let _ = String::new();
    }
}
