//! An independent decoder written only from `docs/wlstream.md` (sections
//! 2–4), sharing no code with the crate except the lz4 block codec. It must
//! reproduce every picture the crate's encoder produces.

use weft_wlstream::Encoder;
use weft_wlstream::synthetic::{Scenario, scenario};

fn u16_at(bytes: &[u8], offset: usize) -> u16 {
    u16::from_le_bytes([bytes[offset], bytes[offset + 1]])
}

fn u32_at(bytes: &[u8], offset: usize) -> u32 {
    u32::from_le_bytes(bytes[offset..offset + 4].try_into().unwrap())
}

/// Apply one well-formed frame to `surface` (stride, pixels); returns the
/// new surface. Panics on anything unexpected: inputs come from the encoder.
fn apply(frame: &[u8], surface: Option<(usize, Vec<u8>)>) -> (usize, Vec<u8>) {
    assert_eq!(&frame[0..4], b"WLSF");
    assert_eq!(u16_at(frame, 4), 1);
    let header_size = u16_at(frame, 6) as usize;
    let keyframe = u32_at(frame, 8) & 1 == 1;
    let (width, height, stride) =
        (u32_at(frame, 32) as usize, u32_at(frame, 36) as usize, u32_at(frame, 40) as usize);
    assert_eq!(u32_at(frame, 44), 1);
    let count = u32_at(frame, 48);
    assert_eq!(u32_at(frame, 52) as usize, frame.len() - header_size);
    let (stride, mut pixels) = if keyframe { (stride, vec![0u8; stride * height]) } else { surface.unwrap() };
    let _ = width;
    let mut offset = header_size;
    for _ in 0..count {
        let record = &frame[offset..offset + 24];
        let (x, y, w, h) = (
            u32_at(record, 0) as usize,
            u32_at(record, 4) as usize,
            u32_at(record, 8) as usize,
            u32_at(record, 12) as usize,
        );
        let encoding = u16_at(record, 16);
        let length = u32_at(record, 20) as usize;
        let payload = &frame[offset + 24..offset + 24 + length];
        offset += 24 + length;
        let row = |row: usize| (y + row) * stride + x * 4;
        let packed = match encoding {
            0 => payload.to_vec(),
            1 | 2 => lz4_flex::block::decompress(payload, w * h * 4).unwrap(),
            3 => payload.repeat(w * h),
            4 => {
                let (sx, sy) = (u32_at(payload, 0) as usize, u32_at(payload, 4) as usize);
                (0..h).flat_map(|r| pixels[(sy + r) * stride + sx * 4..][..w * 4].to_vec()).collect()
            }
            other => panic!("encoding {other}"),
        };
        assert_eq!(packed.len(), w * h * 4);
        for r in 0..h {
            let target = &mut pixels[row(r)..row(r) + w * 4];
            let source = &packed[r * w * 4..(r + 1) * w * 4];
            if encoding == 2 {
                target.iter_mut().zip(source).for_each(|(t, s)| *t ^= s);
            } else {
                target.copy_from_slice(source);
            }
        }
    }
    assert_eq!(offset, frame.len());
    (stride, pixels)
}

#[test]
fn independent_decoder_matches_every_scenario() {
    for kind in Scenario::ALL {
        let pair = scenario(kind, 320, 200);
        let mut encoder = Encoder::new(3);
        let mut frame = Vec::new();
        encoder.encode(&pair.before.surface(), &[], 0, &mut frame).unwrap();
        let surface = apply(&frame, None);
        assert_eq!(surface.1, pair.before.pixels, "{kind:?} keyframe");
        encoder.encode(&pair.after.surface(), &pair.damage, 1, &mut frame).unwrap();
        let surface = apply(&frame, Some(surface));
        assert_eq!(surface.1, pair.after.pixels, "{kind:?} delta");
    }
}

#[test]
fn worked_example_in_the_spec() {
    // docs/wlstream.md section 3.3: a 2×1 keyframe filled with opaque red.
    let pixels = [255u8, 0, 0, 255, 255, 0, 0, 255];
    let surface = weft_wlstream::SurfaceRef::new(2, 1, 8, &pixels).unwrap();
    let mut frame = Vec::new();
    Encoder::new(0x0102_0304).encode(&surface, &[], 0x1122, &mut frame).unwrap();
    let hex: Vec<String> = frame
        .chunks(8)
        .map(|chunk| chunk.iter().map(|byte| format!("{byte:02x}")).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        hex,
        [
            "57 4c 53 46 01 00 38 00",
            "01 00 00 00 04 03 02 01",
            "00 00 00 00 00 00 00 00",
            "22 11 00 00 00 00 00 00",
            "02 00 00 00 01 00 00 00",
            "08 00 00 00 01 00 00 00",
            "01 00 00 00 1c 00 00 00",
            "00 00 00 00 00 00 00 00",
            "02 00 00 00 01 00 00 00",
            "03 00 00 00 04 00 00 00",
            "ff 00 00 ff",
        ]
    );
    assert_eq!(apply(&frame, None).1, pixels);
}
