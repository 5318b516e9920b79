//! Session handshake and envelope: who may connect, round trips, and every
//! way a message can be refused.

mod common;

use common::{connect, identities, paired_sets, rng};
use weft_mesh_secure::{
    Error, Identity, Initiator, Kind, OVERHEAD, PairedPeer, PairedSet, Responder, Role, kind_of, refusal,
    session_id_of,
};

const FRAMES: &[u8] = b"weft/app/demo/stream";
const KEYS: &[u8] = b"weft/app/demo/input/keyboard";

#[test]
fn paired_endpoints_establish_a_session() {
    let (device, viewer) = identities();
    let (device_set, viewer_set) = paired_sets(&device, &viewer);
    let (initiator, init) = Initiator::start(&viewer, Some(device.id()), &mut rng(20));
    assert_eq!((kind_of(&init), init.len()), (Some(Kind::SessionInit), 50));
    let (responder, response) = Responder::on_init(&device, &init, &device_set, &mut rng(21)).unwrap();
    assert_eq!(responder.peer(), viewer.id());
    assert_eq!((kind_of(&response), response.len()), (Some(Kind::SessionResponse), 114));
    let (viewer_session, finish) = initiator.on_response(&response, &viewer_set).unwrap();
    assert_eq!((kind_of(&finish), finish.len()), (Some(Kind::SessionFinish), 66));
    let device_session = responder.on_finish(&finish, &device_set).unwrap();

    assert_eq!(viewer_session.id(), device_session.id());
    assert_eq!(viewer_session.peer(), device.id());
    assert_eq!(device_session.peer(), viewer.id());
    assert_eq!(viewer_session.role(), Role::Initiator);
    assert_eq!(device_session.role(), Role::Responder);
    assert!(device_session.is_authorized(&device_set));
}

#[test]
fn an_unpaired_initiator_is_refused_and_told_so() {
    let (device, viewer) = identities();
    let (device_set, _) = paired_sets(&device, &viewer);
    let stranger = Identity::generate(&mut rng(99));
    let mut stranger_set = PairedSet::new();
    stranger_set.insert(PairedPeer::new(device.public_key(), "phone".into(), 0).unwrap());
    let (initiator, init) = Initiator::start(&stranger, None, &mut rng(20));
    assert_eq!(Responder::on_init(&device, &init, &device_set, &mut rng(21)).err(), Some(Error::NotPaired));
    // The device answers with a bare refusal: no key, no signature, no frames.
    let refused = refusal();
    assert_eq!(refused.len(), 3);
    assert_eq!(initiator.on_response(&refused, &stranger_set).err(), Some(Error::Refused));
}

#[test]
fn an_initiator_claiming_a_paired_id_without_its_key_fails_at_the_signature() {
    let (device, viewer) = identities();
    let (device_set, viewer_set) = paired_sets(&device, &viewer);
    // Mallory watched an earlier, honest handshake.
    let (initiator, old_init) = Initiator::start(&viewer, None, &mut rng(20));
    let (responder, response) = Responder::on_init(&device, &old_init, &device_set, &mut rng(21)).unwrap();
    let (_, old_finish) = initiator.on_response(&response, &viewer_set).unwrap();
    responder.on_finish(&old_finish, &device_set).unwrap();

    // Replaying it whole: the device's fresh ephemeral key changes the
    // transcript, so the old signature does not verify.
    let (responder, _) = Responder::on_init(&device, &old_init, &device_set, &mut rng(22)).unwrap();
    assert_eq!(responder.on_finish(&old_finish, &device_set).err(), Some(Error::BadSignature));

    // Claiming the viewer's id with an ephemeral key of its own, and
    // signing with its own identity.
    let mallory = Identity::generate(&mut rng(66));
    let (_, mut init) = Initiator::start(&mallory, None, &mut rng(23));
    init[2..18].copy_from_slice(viewer.id().as_bytes());
    let (responder, _) = Responder::on_init(&device, &init, &device_set, &mut rng(24)).unwrap();
    let mut forged = old_finish.clone();
    forged[2..].copy_from_slice(&[0x5a; 64]);
    assert_eq!(responder.on_finish(&forged, &device_set).err(), Some(Error::BadSignature));
}

#[test]
fn a_forged_responder_signature_is_refused() {
    let (device, viewer) = identities();
    let (device_set, viewer_set) = paired_sets(&device, &viewer);
    let (initiator, init) = Initiator::start(&viewer, None, &mut rng(20));
    let (_, mut response) = Responder::on_init(&device, &init, &device_set, &mut rng(21)).unwrap();
    response[60] ^= 0x01; // inside the signature
    assert_eq!(initiator.on_response(&response, &viewer_set).err(), Some(Error::BadSignature));

    // A device impostor with its own key but the device's id.
    let impostor = Identity::generate(&mut rng(55));
    let mut impostor_set = PairedSet::new();
    impostor_set.insert(PairedPeer::new(viewer.public_key(), "v".into(), 0).unwrap());
    let (initiator, init) = Initiator::start(&viewer, None, &mut rng(22));
    let (_, mut response) = Responder::on_init(&impostor, &init, &impostor_set, &mut rng(23)).unwrap();
    response[2..18].copy_from_slice(device.id().as_bytes());
    assert_eq!(initiator.on_response(&response, &viewer_set).err(), Some(Error::BadSignature));
}

#[test]
fn an_unexpected_or_unpaired_responder_is_refused() {
    let (device, viewer) = identities();
    let (device_set, viewer_set) = paired_sets(&device, &viewer);
    let other = Identity::generate(&mut rng(44));
    let (initiator, init) = Initiator::start(&viewer, Some(other.id()), &mut rng(20));
    let (_, response) = Responder::on_init(&device, &init, &device_set, &mut rng(21)).unwrap();
    assert_eq!(initiator.on_response(&response, &viewer_set).err(), Some(Error::UnexpectedPeer));

    let (initiator, init) = Initiator::start(&viewer, None, &mut rng(20));
    let (_, response) = Responder::on_init(&device, &init, &device_set, &mut rng(21)).unwrap();
    assert_eq!(initiator.on_response(&response, &PairedSet::new()).err(), Some(Error::NotPaired));
}

#[test]
fn a_low_order_ephemeral_key_is_refused() {
    let (device, viewer) = identities();
    let (device_set, _) = paired_sets(&device, &viewer);
    let (_, mut init) = Initiator::start(&viewer, None, &mut rng(20));
    init[18..50].copy_from_slice(&[0; 32]);
    assert_eq!(Responder::on_init(&device, &init, &device_set, &mut rng(21)).err(), Some(Error::WeakKey));
}

#[test]
fn messages_round_trip_both_ways() {
    let (device, viewer) = identities();
    let (device_set, viewer_set) = paired_sets(&device, &viewer);
    let (mut viewer_session, mut device_session) = connect(&device, &viewer, &device_set, &viewer_set, 30);
    for n in 0..50u32 {
        let frame: Vec<u8> = (0..n * 37).map(|i| i as u8).collect();
        let sealed = device_session.seal(FRAMES, &frame).unwrap();
        assert_eq!(sealed.len(), frame.len() + OVERHEAD);
        assert_eq!(session_id_of(&sealed), Some(device_session.id()));
        assert_eq!(kind_of(&sealed), Some(Kind::Data));
        if n > 0 {
            assert_ne!(&sealed[20..20 + frame.len()], &frame[..], "plaintext visible");
        }
        assert_eq!(viewer_session.open(FRAMES, &sealed).unwrap(), frame);

        let key = format!("key {n}").into_bytes();
        let sealed = viewer_session.seal(KEYS, &key).unwrap();
        let mut in_place = sealed.clone();
        assert_eq!(device_session.open_in_place(KEYS, &mut in_place).unwrap(), &key[..]);
    }
    assert_eq!(device_session.sent(), 50);
    // An empty message is fine too.
    let sealed = viewer_session.seal(KEYS, b"").unwrap();
    assert_eq!(sealed.len(), OVERHEAD);
    assert_eq!(device_session.open(KEYS, &sealed).unwrap(), b"");
}

#[test]
fn every_single_bit_flip_is_rejected() {
    let (device, viewer) = identities();
    let (device_set, viewer_set) = paired_sets(&device, &viewer);
    let (mut viewer_session, mut device_session) = connect(&device, &viewer, &device_set, &viewer_set, 31);
    // Advance the counter a little so that flips to lower counters exist.
    for _ in 0..5 {
        let sealed = device_session.seal(FRAMES, b"warm-up").unwrap();
        viewer_session.open(FRAMES, &sealed).unwrap();
    }
    let sealed = device_session.seal(FRAMES, b"a frame of pixels").unwrap();
    for bit in 0..sealed.len() * 8 {
        let mut flipped = sealed.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        assert!(viewer_session.open(FRAMES, &flipped).is_err(), "bit {bit} accepted");
    }
    // The channel is bound too, and the untouched message still opens.
    assert_eq!(viewer_session.open(KEYS, &sealed).err(), Some(Error::Tampered));
    assert_eq!(viewer_session.open(FRAMES, &sealed).unwrap(), b"a frame of pixels");
    // Truncated and extended messages are rejected.
    for cut in 0..sealed.len() {
        assert!(viewer_session.open(FRAMES, &sealed[..cut]).is_err());
    }
}

#[test]
fn replayed_and_reordered_messages_are_rejected_and_gaps_are_allowed() {
    let (device, viewer) = identities();
    let (device_set, viewer_set) = paired_sets(&device, &viewer);
    let (mut viewer_session, mut device_session) = connect(&device, &viewer, &device_set, &viewer_set, 32);
    let first = device_session.seal(FRAMES, b"0").unwrap();
    let second = device_session.seal(FRAMES, b"1").unwrap();
    let third = device_session.seal(FRAMES, b"2").unwrap();
    let fourth = device_session.seal(FRAMES, b"3").unwrap();
    assert_eq!(viewer_session.open(FRAMES, &first).unwrap(), b"0");
    assert_eq!(viewer_session.open(FRAMES, &first).err(), Some(Error::Replayed));
    // `second` is lost (a dropped frame): `third` still opens.
    assert_eq!(viewer_session.open(FRAMES, &third).unwrap(), b"2");
    // `second` arriving late is an older message: rejected.
    assert_eq!(viewer_session.open(FRAMES, &second).err(), Some(Error::Replayed));
    assert_eq!(viewer_session.open(FRAMES, &third).err(), Some(Error::Replayed));
    assert_eq!(viewer_session.open(FRAMES, &fourth).unwrap(), b"3");
}

#[test]
fn a_message_from_another_session_or_direction_is_rejected() {
    let (device, viewer) = identities();
    let (device_set, viewer_set) = paired_sets(&device, &viewer);
    let (mut viewer_a, mut device_a) = connect(&device, &viewer, &device_set, &viewer_set, 40);
    let (mut viewer_b, _device_b) = connect(&device, &viewer, &device_set, &viewer_set, 50);
    assert_ne!(viewer_a.id(), viewer_b.id());
    let sealed = device_a.seal(FRAMES, b"for a").unwrap();
    assert_eq!(viewer_b.open(FRAMES, &sealed).err(), Some(Error::WrongSession));
    // Another session's message with its id rewritten: the tag fails.
    let mut relabelled = sealed.clone();
    relabelled[4..12].copy_from_slice(&viewer_b.id().0);
    assert_eq!(viewer_b.open(FRAMES, &relabelled).err(), Some(Error::Tampered));
    // Our own message reflected back to us.
    let own = viewer_a.seal(KEYS, b"k").unwrap();
    assert_eq!(viewer_a.open(KEYS, &own).err(), Some(Error::WrongDirection));
    // A handshake message is not an envelope.
    assert_eq!(viewer_a.open(FRAMES, &refusal()).err(), Some(Error::Malformed));
    assert_eq!(viewer_a.open(FRAMES, &sealed).unwrap(), b"for a");
}

#[test]
fn after_unpairing_the_handshake_fails_and_sessions_close() {
    let (device, viewer) = identities();
    let (mut device_set, viewer_set) = paired_sets(&device, &viewer);
    let (mut viewer_session, mut device_session) = connect(&device, &viewer, &device_set, &viewer_set, 60);
    let generation = device_set.generation();

    let removed = device_set.remove(&viewer.id()).unwrap();
    assert_eq!(removed.id(), device_session.peer());
    assert_ne!(device_set.generation(), generation);

    // New handshakes fail at once.
    let (_, init) = Initiator::start(&viewer, None, &mut rng(61));
    assert_eq!(Responder::on_init(&device, &init, &device_set, &mut rng(62)).err(), Some(Error::NotPaired));

    // The established session fails its next check and stays closed.
    assert!(!device_session.is_authorized(&device_set));
    let sealed = viewer_session.seal(KEYS, b"k").unwrap();
    assert_eq!(device_session.check(&device_set), Err(Error::Revoked));
    assert_eq!(device_session.open(KEYS, &sealed).err(), Some(Error::Revoked));
    assert_eq!(device_session.seal(FRAMES, b"f").err(), Some(Error::Revoked));
}

#[test]
fn unpairing_between_init_and_finish_fails_the_handshake() {
    let (device, viewer) = identities();
    let (mut device_set, viewer_set) = paired_sets(&device, &viewer);
    let (initiator, init) = Initiator::start(&viewer, None, &mut rng(70));
    let (responder, response) = Responder::on_init(&device, &init, &device_set, &mut rng(71)).unwrap();
    let (_, finish) = initiator.on_response(&response, &viewer_set).unwrap();
    device_set.remove(&viewer.id());
    assert_eq!(responder.on_finish(&finish, &device_set).err(), Some(Error::NotPaired));
}

#[test]
fn garbage_at_every_handshake_step_is_an_error() {
    let (device, viewer) = identities();
    let (device_set, viewer_set) = paired_sets(&device, &viewer);
    let mut junk = rng(80);
    for len in 0..200 {
        let mut bytes = vec![0u8; len];
        junk(&mut bytes);
        if len >= 2 {
            bytes[0] = 1;
        }
        assert!(Responder::on_init(&device, &bytes, &device_set, &mut rng(81)).is_err());
        let (initiator, init) = Initiator::start(&viewer, None, &mut rng(82));
        assert!(initiator.on_response(&bytes, &viewer_set).is_err());
        let (responder, _) = Responder::on_init(&device, &init, &device_set, &mut rng(83)).unwrap();
        assert!(responder.on_finish(&bytes, &device_set).is_err());
    }
}
