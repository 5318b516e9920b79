//! Damage-only compositing equals full compositing, over random scenes.

use alloc::collections::BTreeMap;
use alloc::vec;
use alloc::vec::Vec;
use proptest::prelude::*;

use crate::*;

#[derive(Default)]
struct Images {
    images: BTreeMap<u64, (u32, u32, Vec<u8>)>,
    next: u64,
}

impl Images {
    fn add(&mut self, width: u32, height: u32, pixels: Vec<u8>) -> ImageId {
        self.next += 1;
        self.images.insert(self.next, (width, height, pixels));
        ImageId(self.next)
    }
}

impl ImageSource for Images {
    fn image(&self, image: ImageId) -> Option<ImageView<'_>> {
        let (width, height, bytes) = self.images.get(&image.0)?;
        Some(ImageView { bytes, width: *width, height: *height, stride: width * 4 })
    }
}

fn pattern(width: u32, height: u32, seed: u32, opaque: bool) -> Vec<u8> {
    let mut bytes = vec![0u8; (width * height * 4) as usize];
    for y in 0..height {
        for x in 0..width {
            let i = ((y * width + x) * 4) as usize;
            let v = x.wrapping_mul(31) ^ y.wrapping_mul(17) ^ seed.wrapping_mul(97);
            let a = if opaque { 255 } else { (v % 256) as u8 };
            let c = |k: u32| ((v.wrapping_mul(k) % 256) as u8).min(a);
            bytes[i..i + 4].copy_from_slice(&[c(3), c(5), c(7), a]);
        }
    }
    bytes
}

#[derive(Clone, Debug)]
enum Spec {
    Solid { color: (u8, u8, u8, u8) },
    Image { size: (u32, u32), opaque: bool, seed: u32 },
    Group,
}

#[derive(Clone, Debug)]
struct NodeSpec {
    spec: Spec,
    position: (i16, i16),
    size: (u16, u16),
    scale: u8,
    clip: Option<(i16, i16, u16, u16)>,
    opacity: u8,
}

#[derive(Clone, Debug)]
enum Step {
    Move { which: usize, x: i16, y: i16 },
    Resize { which: usize, w: u16, h: u16 },
    Recolor { which: usize, color: (u8, u8, u8, u8) },
    Raise { which: usize },
    Lower { which: usize },
    Remove { which: usize },
    Add { node: NodeSpec, parent: usize },
    Toggle { which: usize },
    Opacity { which: usize, opacity: u8 },
    Clip { which: usize, clip: Option<(i16, i16, u16, u16)> },
    Paint { which: usize, rect: (u16, u16, u16, u16), seed: u32 },
    Background { color: (u8, u8, u8) },
}

const SCALES: [f32; 5] = [1.0, 1.0, 0.5, 1.5, 2.0];
const OPACITIES: [f32; 4] = [1.0, 1.0, 0.5, 0.0];

fn node_spec() -> impl Strategy<Value = NodeSpec> {
    let spec = prop_oneof![
        any::<(u8, u8, u8, u8)>().prop_map(|color| Spec::Solid { color }),
        (1u32..40, 1u32..40, any::<bool>(), any::<u32>())
            .prop_map(|(w, h, opaque, seed)| { Spec::Image { size: (w, h), opaque, seed } }),
        Just(Spec::Group),
    ];
    (
        spec,
        (-30i16..120, -30i16..120),
        (0u16..90, 0u16..90),
        0u8..5,
        proptest::option::of((-20i16..60, -20i16..60, 0u16..80, 0u16..80)),
        0u8..4,
    )
        .prop_map(|(spec, position, size, scale, clip, opacity)| NodeSpec {
            spec,
            position,
            size,
            scale,
            clip,
            opacity,
        })
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (any::<usize>(), -40i16..130, -40i16..130).prop_map(|(which, x, y)| Step::Move { which, x, y }),
        (any::<usize>(), 0u16..90, 0u16..90).prop_map(|(which, w, h)| Step::Resize { which, w, h }),
        (any::<usize>(), any::<(u8, u8, u8, u8)>()).prop_map(|(which, color)| Step::Recolor { which, color }),
        any::<usize>().prop_map(|which| Step::Raise { which }),
        any::<usize>().prop_map(|which| Step::Lower { which }),
        any::<usize>().prop_map(|which| Step::Remove { which }),
        (node_spec(), any::<usize>()).prop_map(|(node, parent)| Step::Add { node, parent }),
        any::<usize>().prop_map(|which| Step::Toggle { which }),
        (any::<usize>(), 0u8..4).prop_map(|(which, opacity)| Step::Opacity { which, opacity }),
        (any::<usize>(), proptest::option::of((-20i16..60, -20i16..60, 0u16..80, 0u16..80)))
            .prop_map(|(which, clip)| Step::Clip { which, clip }),
        (any::<usize>(), (0u16..40, 0u16..40, 1u16..12, 1u16..12), any::<u32>())
            .prop_map(|(which, rect, seed)| Step::Paint { which, rect, seed }),
        any::<(u8, u8, u8)>().prop_map(|color| Step::Background { color }),
    ]
}

struct World {
    scene: Scene,
    images: Images,
    nodes: Vec<NodeId>,
    shown: BTreeMap<NodeId, ImageId>,
}

impl World {
    fn pick(&self, which: usize) -> Option<NodeId> {
        let live: Vec<NodeId> = self.nodes.iter().copied().filter(|n| self.scene.contains(*n)).collect();
        if live.is_empty() { None } else { Some(live[which % live.len()]) }
    }

    fn add(&mut self, parent: NodeId, spec: &NodeSpec) {
        let (w, h) = (f32::from(spec.size.0), f32::from(spec.size.1));
        let content = match spec.spec {
            Spec::Solid { color } => {
                Content::Solid { color: Color::rgba(color.0, color.1, color.2, color.3), width: w, height: h }
            }
            Spec::Image { size, opaque, seed } => {
                let image = self.images.add(size.0, size.1, pattern(size.0, size.1, seed, opaque));
                Content::Image { image, width: w, height: h, pixels: size, opaque }
            }
            Spec::Group => Content::Group,
        };
        let image = match content {
            Content::Image { image, .. } => Some(image),
            _ => None,
        };
        let Ok(id) = self.scene.add(parent, content) else {
            return;
        };
        if let Some(image) = image {
            self.shown.insert(id, image);
        }
        let scale = SCALES[spec.scale as usize % SCALES.len()];
        let _ = self.scene.set_transform(
            id,
            Transform {
                tx: f32::from(spec.position.0),
                ty: f32::from(spec.position.1),
                sx: scale,
                sy: scale,
            },
        );
        if let Some((x, y, w, h)) = spec.clip {
            let _ = self.scene.set_clip(id, Some((f32::from(x), f32::from(y), f32::from(w), f32::from(h))));
        }
        let _ = self.scene.set_opacity(id, OPACITIES[spec.opacity as usize % OPACITIES.len()]);
        self.nodes.push(id);
    }

    fn apply(&mut self, step: &Step) {
        match step {
            Step::Move { which, x, y } => {
                if let Some(n) = self.pick(*which) {
                    let _ = self.scene.set_position(n, f32::from(*x), f32::from(*y));
                }
            }
            Step::Resize { which, w, h } => {
                if let Some(n) = self.pick(*which) {
                    let _ = self.scene.set_size(n, f32::from(*w), f32::from(*h));
                }
            }
            Step::Recolor { which, color } => {
                if let Some(n) = self.pick(*which) {
                    let _ = self.scene.set_color(n, Color::rgba(color.0, color.1, color.2, color.3));
                }
            }
            Step::Raise { which } => {
                if let Some(n) = self.pick(*which) {
                    let _ = self.scene.raise(n);
                }
            }
            Step::Lower { which } => {
                if let Some(n) = self.pick(*which) {
                    let _ = self.scene.set_z(n, 0);
                }
            }
            Step::Remove { which } => {
                if let Some(n) = self.pick(*which) {
                    let _ = self.scene.remove(n);
                }
            }
            Step::Add { node, parent } => {
                let parent = match self.pick(*parent) {
                    Some(p) if self.nodes.len().is_multiple_of(3) => p,
                    _ => self.scene.root(),
                };
                self.add(parent, node);
            }
            Step::Toggle { which } => {
                if let Some(n) = self.pick(*which) {
                    let visible = self.nodes.iter().position(|x| *x == n).unwrap_or(0) % 2 == 0;
                    let _ = self.scene.set_visible(n, !visible);
                }
            }
            Step::Opacity { which, opacity } => {
                if let Some(n) = self.pick(*which) {
                    let _ = self.scene.set_opacity(n, OPACITIES[*opacity as usize % OPACITIES.len()]);
                }
            }
            Step::Clip { which, clip } => {
                if let Some(n) = self.pick(*which) {
                    let clip =
                        clip.map(|(x, y, w, h)| (f32::from(x), f32::from(y), f32::from(w), f32::from(h)));
                    let _ = self.scene.set_clip(n, clip);
                }
            }
            Step::Paint { which, rect, seed } => {
                // A client draws into a new buffer that differs from the
                // shown one only inside `rect`, and presents it with that
                // damage.
                let Some(n) = self.pick(*which) else { return };
                let Some(old) = self.shown.get(&n).copied() else {
                    return;
                };
                let Some((w, h, bytes)) = self.images.images.get(&old.0).cloned() else {
                    return;
                };
                let r = Rect::new(i32::from(rect.0), i32::from(rect.1), u32::from(rect.2), u32::from(rect.3))
                    .intersect(&Rect::new(0, 0, w, h));
                let Some(r) = r else {
                    return;
                };
                let opaque = bytes.chunks(4).all(|p| p[3] == 255);
                let fresh = pattern(w, h, *seed, opaque);
                let mut next = bytes;
                for y in r.y..r.bottom() {
                    for x in r.x..r.right() {
                        let i = ((y as u32 * w + x as u32) * 4) as usize;
                        next[i..i + 4].copy_from_slice(&fresh[i..i + 4]);
                    }
                }
                let id = self.images.add(w, h, next);
                let still_opaque = match self.scene.node(n).map(|n| n.content.clone()) {
                    Some(Content::Image { opaque, .. }) => opaque,
                    _ => false,
                };
                let _ = self.scene.update_image(n, id, (w, h), still_opaque, &[r]);
                self.shown.insert(n, id);
            }
            Step::Background { color } => self.scene.set_background(Color::rgb(color.0, color.1, color.2)),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn damage_only_composite_equals_full_composite(
        initial in proptest::collection::vec(node_spec(), 1..12),
        steps in proptest::collection::vec(step(), 1..24),
    ) {
        let mut world = World {
            scene: Scene::new(160, 120, Color::rgb(20, 30, 40)),
            images: Images::default(),
            nodes: Vec::new(),
            shown: BTreeMap::new(),
        };
        for spec in &initial {
            let root = world.scene.root();
            world.add(root, spec);
        }
        let mut incremental = Renderer::new(160, 120);
        let mut reference = Renderer::new(160, 120);
        incremental.render(&mut world.scene, &world.images);
        for (index, step) in steps.iter().enumerate() {
            world.apply(step);
            incremental.render(&mut world.scene, &world.images);
            reference.render_full(&world.scene, &world.images);
            if incremental.pixels() != reference.pixels() {
                let differing = incremental.pixels().chunks(4).zip(reference.pixels().chunks(4))
                    .position(|(a, b)| a != b).unwrap_or(0);
                prop_assert!(false, "mismatch after step {} ({:?}) at pixel ({}, {})",
                    index, step, differing % 160, differing / 160);
            }
        }
    }
}

#[test]
fn a_small_change_recomposites_a_small_area() {
    let mut images = Images::default();
    let mut scene = Scene::new(1280, 800, Color::rgb(0, 0, 0));
    let root = scene.root();
    let wallpaper = images.add(1280, 800, pattern(1280, 800, 1, true));
    scene
        .add(
            root,
            Content::Image {
                image: wallpaper,
                width: 1280.0,
                height: 800.0,
                pixels: (1280, 800),
                opaque: true,
            },
        )
        .unwrap();
    let window = images.add(640, 480, pattern(640, 480, 2, true));
    let node = scene
        .add(
            root,
            Content::Image { image: window, width: 640.0, height: 480.0, pixels: (640, 480), opaque: true },
        )
        .unwrap();
    scene.set_position(node, 100.0, 100.0).unwrap();
    let panel = scene
        .add(root, Content::Solid { color: Color::rgba(30, 30, 30, 200), width: 1280.0, height: 32.0 })
        .unwrap();
    scene.set_position(panel, 0.0, 0.0).unwrap();
    let mut renderer = Renderer::new(1280, 800);
    let first = renderer.render(&mut scene, &images);
    assert_eq!(first.stats.damaged_pixels, 1280 * 800);

    // One glyph (8 × 16) changes in the window.
    let next = images.add(640, 480, pattern(640, 480, 2, true));
    scene.update_image(node, next, (640, 480), true, &[Rect::new(40, 40, 8, 16)]).unwrap();
    let frame = renderer.render(&mut scene, &images);
    assert_eq!(frame.damage.rects(), &[Rect::new(140, 140, 8, 16)]);
    assert_eq!(frame.stats.damaged_pixels, 8 * 16);
    assert!(frame.stats.drawn_pixels <= 8 * 16, "opaque window: nothing below is drawn");
    assert!(frame.stats.damaged_pixels * 1000 < 1280 * 800);

    // Moving the window damages its old and new places, nothing else.
    scene.set_position(node, 110.0, 100.0).unwrap();
    let frame = renderer.render(&mut scene, &images);
    assert_eq!(frame.damage.bounds(), Rect::new(100, 100, 650, 480));

    // Nothing changed: nothing recomposited.
    let frame = renderer.render(&mut scene, &images);
    assert!(frame.damage.is_empty());
    assert_eq!(frame.stats.damaged_pixels, 0);
}

#[test]
fn bgra_copy_swaps_red_and_blue() {
    let mut scene = Scene::new(4, 2, Color::rgb(10, 20, 30));
    let mut renderer = Renderer::new(4, 2);
    let frame = renderer.render(&mut scene, &NoImages);
    let mut out = vec![0u8; 4 * 2 * 4 + 8];
    renderer.copy_to(&frame.damage, &mut out, 20, OutputFormat::Bgra8);
    assert_eq!(&out[0..4], &[30, 20, 10, 255]);
    assert_eq!(&out[20..24], &[30, 20, 10, 255]);
    assert_eq!(&out[16..20], &[0, 0, 0, 0], "padding untouched");
}
