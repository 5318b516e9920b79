//! One test per malformed-frame class listed in `docs/wlstream.md`: each
//! maps to its typed error, never a panic, and leaves the decoder usable.

use weft_wlstream::raw::{RawRectangle, build, fill_keyframe, header, poke_u32};
use weft_wlstream::{
    DecodeError, Decoder, Encoder, HEADER_SIZE, Limits, MAX_DIMENSION, RectangleError, SurfaceRect,
};

fn decode(frame: &[u8]) -> Result<weft_wlstream::Update, DecodeError> {
    Decoder::new(Limits::default()).decode(frame)
}

fn rectangle_error(frame: &[u8]) -> RectangleError {
    match decode(frame) {
        Err(DecodeError::Rectangle { error, .. }) => error,
        other => panic!("expected a rectangle error, got {other:?}"),
    }
}

#[test]
fn class_01_frame_too_large() {
    let limits = Limits { max_frame_bytes: 100, ..Limits::default() };
    let frame = vec![0u8; 101];
    assert_eq!(
        Decoder::new(limits).decode(&frame),
        Err(DecodeError::FrameTooLarge { length: 101, limit: 100 })
    );
}

#[test]
fn class_02_truncated_header() {
    let frame = fill_keyframe(0);
    for length in 0..HEADER_SIZE {
        assert_eq!(decode(&frame[..length]), Err(DecodeError::TruncatedHeader { length }));
    }
}

#[test]
fn class_03_bad_magic() {
    let mut frame = fill_keyframe(0);
    frame[0] = b'X';
    assert!(matches!(decode(&frame), Err(DecodeError::BadMagic { .. })));
}

#[test]
fn class_04_unsupported_version() {
    let mut frame = fill_keyframe(0);
    frame[4..6].copy_from_slice(&2u16.to_le_bytes());
    assert_eq!(decode(&frame), Err(DecodeError::UnsupportedVersion { version: 2 }));
}

#[test]
fn class_05_bad_header_size() {
    let mut frame = fill_keyframe(0);
    frame[6..8].copy_from_slice(&55u16.to_le_bytes());
    assert!(matches!(decode(&frame), Err(DecodeError::BadHeaderSize { header_size: 55, .. })));
    frame[6..8].copy_from_slice(&u16::MAX.to_le_bytes());
    assert!(matches!(decode(&frame), Err(DecodeError::BadHeaderSize { .. })));
}

#[test]
fn longer_header_is_skipped_for_forward_compatibility() {
    let frame = fill_keyframe(0);
    let mut extended = frame[..HEADER_SIZE].to_vec();
    extended[6..8].copy_from_slice(&64u16.to_le_bytes());
    extended.extend_from_slice(&[0xee; 8]);
    extended.extend_from_slice(&frame[HEADER_SIZE..]);
    assert!(decode(&extended).is_ok());
}

#[test]
fn class_06_unknown_flags() {
    let mut frame = fill_keyframe(0);
    poke_u32(&mut frame, 8, 0x8000_0001);
    assert_eq!(decode(&frame), Err(DecodeError::UnknownFlags { flags: 0x8000_0001 }));
}

#[test]
fn class_07_unsupported_format() {
    let mut frame = fill_keyframe(0);
    poke_u32(&mut frame, 44, 2);
    assert_eq!(decode(&frame), Err(DecodeError::UnsupportedFormat { format: 2 }));
}

#[test]
fn class_08_bad_dimensions() {
    for (width, height) in [(0, 4), (4, 0), (MAX_DIMENSION + 1, 1), (1, u32::MAX)] {
        let mut frame = fill_keyframe(0);
        poke_u32(&mut frame, 32, width);
        poke_u32(&mut frame, 36, height);
        poke_u32(&mut frame, 40, width.saturating_mul(4));
        assert_eq!(decode(&frame), Err(DecodeError::BadDimensions { width, height }));
    }
}

#[test]
fn class_09_bad_stride() {
    for stride in [15, 18, 0] {
        let mut frame = fill_keyframe(0);
        poke_u32(&mut frame, 40, stride);
        assert_eq!(decode(&frame), Err(DecodeError::BadStride { stride, width: 4 }));
    }
}

#[test]
fn class_10_surface_too_large() {
    let mut frame = fill_keyframe(0);
    poke_u32(&mut frame, 32, 16384);
    poke_u32(&mut frame, 36, 16384);
    poke_u32(&mut frame, 40, 16384 * 4);
    assert!(matches!(decode(&frame), Err(DecodeError::SurfaceTooLarge { .. })));
    // A huge stride on a small surface is refused the same way.
    let mut frame = fill_keyframe(0);
    poke_u32(&mut frame, 40, u32::MAX - 3);
    assert!(matches!(decode(&frame), Err(DecodeError::SurfaceTooLarge { .. })));
}

#[test]
fn class_11_too_many_rectangles() {
    let mut frame = fill_keyframe(0);
    poke_u32(&mut frame, 48, u32::MAX);
    assert!(matches!(decode(&frame), Err(DecodeError::TooManyRectangles { .. })));
}

#[test]
fn class_12_body_length_mismatch() {
    let mut frame = fill_keyframe(0);
    frame.push(0);
    assert!(matches!(decode(&frame), Err(DecodeError::BodyLengthMismatch { .. })));
    let mut frame = fill_keyframe(0);
    frame.pop();
    assert!(matches!(decode(&frame), Err(DecodeError::BodyLengthMismatch { .. })));
}

#[test]
fn class_13_truncated_record() {
    let mut frame = fill_keyframe(0);
    poke_u32(&mut frame, 48, 2); // claims a second rectangle that is not there
    assert_eq!(
        decode(&frame),
        Err(DecodeError::Rectangle { index: 1, error: RectangleError::TruncatedRecord })
    );
}

#[test]
fn class_14_unknown_encoding() {
    let frame = build(&header(4, 4, true, 0), &[RawRectangle::new(SurfaceRect::full(4, 4), 99, vec![])]);
    assert_eq!(rectangle_error(&frame), RectangleError::UnknownEncoding { code: 99 });
}

#[test]
fn class_15_reserved_non_zero() {
    let mut rectangle = RawRectangle::new(SurfaceRect::full(4, 4), 3, vec![1, 2, 3, 4]);
    rectangle.reserved = 1;
    let frame = build(&header(4, 4, true, 0), &[rectangle]);
    assert_eq!(rectangle_error(&frame), RectangleError::ReservedNonZero { value: 1 });
}

#[test]
fn class_16_empty_rectangle() {
    let frame =
        build(&header(4, 4, true, 0), &[RawRectangle::new(SurfaceRect::new(0, 0, 0, 4), 3, vec![0; 4])]);
    assert_eq!(rectangle_error(&frame), RectangleError::Empty);
}

#[test]
fn class_17_rectangle_out_of_bounds() {
    for rect in
        [SurfaceRect::new(1, 0, 4, 4), SurfaceRect::new(0, 3, 4, 2), SurfaceRect::new(u32::MAX, 0, 2, 1)]
    {
        let frame = build(&header(4, 4, true, 0), &[RawRectangle::new(rect, 3, vec![0; 4])]);
        assert_eq!(rectangle_error(&frame), RectangleError::OutOfBounds, "{rect:?}");
    }
}

#[test]
fn class_18_payload_overrun() {
    let mut rectangle = RawRectangle::new(SurfaceRect::full(4, 4), 3, vec![1, 2, 3, 4]);
    rectangle.payload_length = Some(u32::MAX);
    let frame = build(&header(4, 4, true, 0), &[rectangle]);
    assert!(matches!(rectangle_error(&frame), RectangleError::PayloadOverrun { .. }));
}

#[test]
fn class_19_bad_payload_length() {
    let cases = [
        (0u16, 63usize), // raw needs 4*4*4 = 64
        (3, 5),          // fill needs 4
        (4, 7),          // move needs 8
        (1, 0),          // lz4 needs at least one byte
        (2, 4096),       // lz4 longer than any compression of 64 bytes
    ];
    for (encoding, length) in cases {
        let frame = build(
            &header(4, 4, true, 0),
            &[RawRectangle::new(SurfaceRect::full(4, 4), encoding, vec![0; length])],
        );
        assert!(
            matches!(rectangle_error(&frame), RectangleError::BadPayloadLength { .. }),
            "encoding {encoding} length {length}"
        );
    }
}

#[test]
fn class_20_move_source_out_of_bounds() {
    let mut payload = 1u32.to_le_bytes().to_vec();
    payload.extend_from_slice(&0u32.to_le_bytes());
    let frame = build(&header(4, 4, true, 0), &[RawRectangle::new(SurfaceRect::full(4, 4), 4, payload)]);
    assert_eq!(rectangle_error(&frame), RectangleError::MoveSourceOutOfBounds);
}

#[test]
fn class_21_excessive_area() {
    let fill = || RawRectangle::new(SurfaceRect::full(4, 4), 3, vec![9, 9, 9, 255]);
    let four = build(&header(4, 4, true, 0), &[fill(), fill(), fill(), fill()]);
    assert!(decode(&four).is_ok());
    let five = build(&header(4, 4, true, 0), &[fill(), fill(), fill(), fill(), fill()]);
    assert_eq!(decode(&five), Err(DecodeError::ExcessiveArea));
}

#[test]
fn class_22_trailing_bytes() {
    let mut frame = fill_keyframe(0);
    frame.extend_from_slice(&[0; 3]);
    let body = (frame.len() - HEADER_SIZE) as u32;
    poke_u32(&mut frame, 52, body);
    assert_eq!(decode(&frame), Err(DecodeError::TrailingBytes { count: 3 }));
}

#[test]
fn class_23_malformed_lz4() {
    // A token promising 15+ literals with nothing behind it.
    let frame =
        build(&header(4, 4, true, 0), &[RawRectangle::new(SurfaceRect::full(4, 4), 1, vec![0xf0, 0xff])]);
    assert_eq!(rectangle_error(&frame), RectangleError::Decompression);
    // A match offset pointing before the start of the output.
    let frame = build(
        &header(4, 4, true, 0),
        &[RawRectangle::new(SurfaceRect::full(4, 4), 1, vec![0x1f, 0xaa, 0x40, 0x00])],
    );
    assert_eq!(rectangle_error(&frame), RectangleError::Decompression);
}

#[test]
fn class_24_decompressed_size_mismatch() {
    let short = lz4_flex::block::compress(&[7u8; 60]);
    let frame = build(&header(4, 4, true, 0), &[RawRectangle::new(SurfaceRect::full(4, 4), 1, short)]);
    assert_eq!(
        rectangle_error(&frame),
        RectangleError::DecompressedSizeMismatch { expected: 64, produced: 60 }
    );
    // Too long is caught by the output bound.
    let long = lz4_flex::block::compress(&[7u8; 68]);
    let frame = build(&header(4, 4, true, 0), &[RawRectangle::new(SurfaceRect::full(4, 4), 1, long)]);
    assert_eq!(rectangle_error(&frame), RectangleError::Decompression);
}

#[test]
fn class_25_delta_without_keyframe() {
    let frame = build(&header(4, 4, false, 1), &[]);
    assert_eq!(decode(&frame), Err(DecodeError::NoKeyframe));
}

#[test]
fn class_26_geometry_mismatch() {
    let mut decoder = Decoder::new(Limits::default());
    decoder.decode(&fill_keyframe(0)).unwrap();
    let wider = build(&header(8, 4, false, 1), &[]);
    assert_eq!(decoder.decode(&wider), Err(DecodeError::GeometryMismatch));
    // The surface is intact: the right delta still applies.
    assert!(decoder.decode(&build(&header(4, 4, false, 1), &[])).is_ok());
    // Unbound (the viewer lost the link), a delta of another session is
    // refused as not belonging to the picture.
    decoder.unbind();
    let mut other_session = build(&header(4, 4, false, 2), &[]);
    poke_u32(&mut other_session, 12, 8);
    assert_eq!(decoder.decode(&other_session), Err(DecodeError::GeometryMismatch));
    assert!(decoder.decode(&build(&header(4, 4, false, 2), &[])).is_ok());
}

#[test]
fn class_27_sequence_gap_then_keyframe_recovers() {
    let mut decoder = Decoder::new(Limits::default());
    decoder.decode(&fill_keyframe(0)).unwrap();
    let gap = build(&header(4, 4, false, 5), &[]);
    assert_eq!(decoder.decode(&gap), Err(DecodeError::SequenceGap { expected: 1, received: 5 }));
    assert!(decoder.awaiting_keyframe());
    assert_eq!(decoder.decode(&build(&header(4, 4, false, 6), &[])), Err(DecodeError::NoKeyframe));
    decoder.decode(&fill_keyframe(7)).unwrap();
    assert!(decoder.decode(&build(&header(4, 4, false, 8), &[])).is_ok());
}

#[test]
fn class_28_stale_sequence() {
    let mut decoder = Decoder::new(Limits::default());
    decoder.decode(&fill_keyframe(3)).unwrap();
    let stale = build(&header(4, 4, false, 3), &[]);
    let error = decoder.decode(&stale).unwrap_err();
    assert_eq!(error, DecodeError::StaleSequence { last: 3, received: 3 });
    assert!(!error.wants_keyframe());
    assert!(!decoder.awaiting_keyframe());
}

#[test]
fn class_29_foreign_session() {
    let mut decoder = Decoder::new(Limits::default());
    decoder.decode(&fill_keyframe(0)).unwrap();
    assert_eq!(decoder.bound_session(), Some(7));
    let picture = decoder.surface().unwrap().pixels().to_vec();
    // A keyframe of another session (another picture), and a delta of it.
    let mut forged =
        build(&header(2, 2, true, 0), &[RawRectangle::new(SurfaceRect::full(2, 2), 3, vec![9, 9, 9, 255])]);
    poke_u32(&mut forged, 12, 0xbad);
    let error = decoder.decode(&forged).unwrap_err();
    assert_eq!(error, DecodeError::ForeignSession { bound: 7, received: 0xbad });
    assert!(!error.wants_keyframe(), "a foreign frame must not earn its sender a keyframe");
    let mut forged_delta = build(&header(4, 4, false, 1), &[]);
    poke_u32(&mut forged_delta, 12, 0xbad);
    assert!(matches!(decoder.decode(&forged_delta), Err(DecodeError::ForeignSession { .. })));
    // Nothing changed: same picture, same session, the next delta applies.
    assert_eq!(decoder.surface().unwrap().pixels(), &picture[..]);
    assert!(!decoder.awaiting_keyframe());
    assert!(decoder.decode(&build(&header(4, 4, false, 1), &[])).is_ok());
    // Once the viewer releases the binding, another session's keyframe
    // is accepted and binds.
    decoder.unbind();
    decoder.decode(&forged).unwrap();
    assert_eq!((decoder.bound_session(), decoder.surface().unwrap().width()), (Some(0xbad), 2));
}

#[test]
fn a_failed_keyframe_keeps_the_last_good_picture() {
    let mut decoder = Decoder::new(Limits::default());
    decoder.decode(&fill_keyframe(0)).unwrap();
    let picture = decoder.surface().unwrap().pixels().to_vec();
    // A keyframe of new geometry whose second rectangle is broken lz4:
    // detected only while applying (class 23).
    let bad = build(
        &header(8, 2, true, 1),
        &[
            RawRectangle::new(SurfaceRect::new(0, 0, 8, 1), 3, vec![5, 5, 5, 255]),
            RawRectangle::new(SurfaceRect::new(0, 1, 8, 1), 1, vec![0xf0, 0xff]),
        ],
    );
    assert!(matches!(decoder.decode(&bad), Err(DecodeError::Rectangle { index: 1, .. })));
    let surface = decoder.surface().expect("the last good picture is still there");
    assert_eq!((surface.width(), surface.height(), surface.pixels()), (4, 4, &picture[..]));
    assert_eq!((decoder.session(), decoder.last_sequence()), (Some(7), Some(0)));
    assert!(decoder.damage().is_empty());
    // Deltas wait for a good keyframe, which then replaces the picture.
    assert!(decoder.awaiting_keyframe());
    assert_eq!(decoder.decode(&build(&header(4, 4, false, 1), &[])), Err(DecodeError::NoKeyframe));
    decoder.decode(&fill_keyframe(2)).unwrap();
    assert!(decoder.decode(&build(&header(4, 4, false, 3), &[])).is_ok());
}

#[test]
fn errors_while_applying_discard_the_surface_state() {
    let mut decoder = Decoder::new(Limits::default());
    decoder.decode(&fill_keyframe(0)).unwrap();
    let bad = build(
        &header(4, 4, false, 1),
        &[
            RawRectangle::new(SurfaceRect::new(0, 0, 1, 1), 3, vec![0, 0, 0, 0]),
            RawRectangle::new(SurfaceRect::full(4, 4), 2, vec![0xf0]),
        ],
    );
    assert!(matches!(decoder.decode(&bad), Err(DecodeError::Rectangle { index: 1, .. })));
    assert!(decoder.awaiting_keyframe());
    assert_eq!(decoder.decode(&build(&header(4, 4, false, 2), &[])), Err(DecodeError::NoKeyframe));
}

#[test]
fn structural_errors_leave_the_surface_intact() {
    let page = weft_wlstream::synthetic::text_page(32, 32, 1);
    let mut encoder = Encoder::new(7);
    let mut decoder = Decoder::new(Limits::default());
    let mut frame = Vec::new();
    encoder.encode(&page.surface(), &[], 0, &mut frame).unwrap();
    decoder.decode(&frame).unwrap();
    let mut broken = build(&header(32, 32, false, 1), &[]);
    broken[0] = 0;
    assert!(decoder.decode(&broken).is_err());
    assert!(!decoder.awaiting_keyframe());
    assert_eq!(decoder.surface().unwrap().pixels(), &page.pixels[..]);
}
