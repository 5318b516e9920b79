//! Pairing: both roles, the comparison code, a man in the middle, the
//! person's decision, and the stored set.

mod common;

use common::{identities, pair, rng};
use weft_mesh_secure::{
    DevicePairing, EndpointId, Error, Identity, Kind, PairedPeer, PairedSet, ViewerPairing, kind_of,
};

#[test]
fn both_sides_pair_with_the_same_code_and_keep_each_others_key() {
    let (device, viewer) = identities();
    let (viewer_state, commit) = ViewerPairing::start(&viewer, "alice's laptop", &mut rng(3)).unwrap();
    assert_eq!(kind_of(&commit), Some(Kind::PairCommit));
    assert_eq!(commit.len(), 34);
    let (device_state, response) = DevicePairing::on_commit(&device, "phone", &commit, &mut rng(4)).unwrap();
    assert_eq!(response.len(), 2 + 32 + 32 + 1 + "phone".len() + 64);
    let (viewer_state, reveal) = viewer_state.on_response(&response).unwrap();
    assert_eq!(reveal.len(), 2 + 32 * 3 + 1 + "alice's laptop".len() + 64);
    let device_state = device_state.on_reveal(&reveal).unwrap();

    // The same six digits on both screens.
    assert_eq!(viewer_state.code(), device_state.code());
    assert!(viewer_state.code().value() < 1_000_000);
    assert_eq!(viewer_state.code().to_string().len(), 6);
    // Each side sees who the other claims to be.
    assert_eq!(device_state.viewer().id, viewer.id());
    assert_eq!(device_state.viewer().name, "alice's laptop");
    assert_eq!(viewer_state.device().id, device.id());
    assert_eq!(viewer_state.device().name, "phone");

    let (viewer_record, result) = device_state.accept(1234);
    assert_eq!(result.len(), 67);
    let device_record = viewer_state.on_result(&result, 5678).unwrap();
    assert_eq!(viewer_record.public_key(), &viewer.public_key());
    assert_eq!(viewer_record.label, "alice's laptop");
    assert_eq!(viewer_record.paired_at, 1234);
    assert_eq!(device_record.public_key(), &device.public_key());
    assert_eq!(device_record.id(), device.id());
    assert_eq!(device_record.label, "phone");
    assert_eq!(device_record.paired_at, 5678);
}

#[test]
fn codes_differ_between_pairings() {
    let (device, viewer) = identities();
    let mut codes = std::collections::HashSet::new();
    for seed in 0..20 {
        let (viewer_state, commit) = ViewerPairing::start(&viewer, "v", &mut rng(100 + seed)).unwrap();
        let (device_state, response) =
            DevicePairing::on_commit(&device, "d", &commit, &mut rng(200 + seed)).unwrap();
        let (viewer_state, reveal) = viewer_state.on_response(&response).unwrap();
        let device_state = device_state.on_reveal(&reveal).unwrap();
        assert_eq!(viewer_state.code(), device_state.code());
        codes.insert(viewer_state.code());
    }
    assert!(codes.len() >= 19, "codes repeat too often: {codes:?}");
}

/// A man in the middle runs one pairing with the viewer (posing as the
/// device) and one with the device (posing as the viewer), with ephemeral
/// keys of its own; it can make every signature verify, but the two codes
/// differ, so the person rejects.
#[test]
fn a_man_in_the_middle_substituting_its_keys_gets_different_codes() {
    let (device, viewer) = identities();
    let mallory = Identity::generate(&mut rng(66));
    for attempt in 0..10 {
        let (viewer_state, commit) = ViewerPairing::start(&viewer, "alice", &mut rng(300 + attempt)).unwrap();
        // Toward the device: Mallory as a viewer (same name).
        let (mallory_as_viewer, mallory_commit) =
            ViewerPairing::start(&mallory, "alice", &mut rng(400 + attempt)).unwrap();
        let (device_state, response) =
            DevicePairing::on_commit(&device, "phone", &mallory_commit, &mut rng(500 + attempt)).unwrap();
        // Toward the viewer: Mallory as the device.
        let (mallory_as_device, mallory_response) =
            DevicePairing::on_commit(&mallory, "phone", &commit, &mut rng(600 + attempt)).unwrap();
        let (viewer_state, reveal) = viewer_state.on_response(&mallory_response).unwrap();
        let (mallory_viewer_side, mallory_reveal) = mallory_as_viewer.on_response(&response).unwrap();
        let device_state = device_state.on_reveal(&mallory_reveal).unwrap();
        let mallory_device_side = mallory_as_device.on_reveal(&reveal).unwrap();

        // Each honest side agrees with Mallory's matching half...
        assert_eq!(viewer_state.code(), mallory_device_side.code());
        assert_eq!(device_state.code(), mallory_viewer_side.code());
        // ...but the two screens differ.
        assert_ne!(viewer_state.code(), device_state.code(), "attempt {attempt}");
        // And the device sees Mallory's key, not the viewer's.
        assert_ne!(device_state.viewer().id, viewer.id());
    }
}

/// Substituting only the device's ephemeral key (keeping its identity and
/// re-using its signature) breaks the signature.
#[test]
fn a_substituted_ephemeral_key_breaks_the_devices_signature() {
    let (device, viewer) = identities();
    let (viewer_state, commit) = ViewerPairing::start(&viewer, "v", &mut rng(7)).unwrap();
    let (_device_state, mut response) = DevicePairing::on_commit(&device, "d", &commit, &mut rng(8)).unwrap();
    let (_, other) = DevicePairing::on_commit(&device, "d", &commit, &mut rng(9)).unwrap();
    response[34..66].copy_from_slice(&other[34..66]);
    assert_eq!(viewer_state.on_response(&response).err(), Some(Error::BadSignature));
}

/// The viewer cannot change its revealed values after committing: any
/// change to the identity, ephemeral key, nonce or name is caught.
#[test]
fn a_reveal_that_does_not_match_the_commitment_is_refused() {
    let (device, viewer) = identities();
    let other = Identity::generate(&mut rng(71));
    for field in [2usize, 34, 66, 99] {
        let (viewer_state, commit) = ViewerPairing::start(&viewer, "v", &mut rng(7)).unwrap();
        let (device_state, response) = DevicePairing::on_commit(&device, "d", &commit, &mut rng(8)).unwrap();
        let (_, mut reveal) = viewer_state.on_response(&response).unwrap();
        if field == 2 {
            reveal[2..34].copy_from_slice(&other.public_key());
        } else {
            reveal[field] ^= 0x40;
        }
        assert_eq!(device_state.on_reveal(&reveal).err(), Some(Error::BadCommitment), "field {field}");
    }
}

/// A response made for another viewer's commitment does not verify.
#[test]
fn a_response_to_another_commitment_is_refused() {
    let (device, viewer) = identities();
    let (_, commit) = ViewerPairing::start(&viewer, "v", &mut rng(7)).unwrap();
    let (other_state, _) = ViewerPairing::start(&viewer, "v", &mut rng(70)).unwrap();
    let (_, response) = DevicePairing::on_commit(&device, "d", &commit, &mut rng(8)).unwrap();
    assert_eq!(other_state.on_response(&response).err(), Some(Error::BadSignature));
}

#[test]
fn a_rejection_reaches_the_viewer() {
    let (device, viewer) = identities();
    let (viewer_state, commit) = ViewerPairing::start(&viewer, "v", &mut rng(7)).unwrap();
    let (device_state, response) = DevicePairing::on_commit(&device, "d", &commit, &mut rng(8)).unwrap();
    let (viewer_state, reveal) = viewer_state.on_response(&response).unwrap();
    let result = device_state.on_reveal(&reveal).unwrap().reject();
    assert_eq!(viewer_state.on_result(&result, 0).err(), Some(Error::Rejected));
}

#[test]
fn a_forged_acceptance_is_refused() {
    let (device, viewer) = identities();
    let (viewer_state, commit) = ViewerPairing::start(&viewer, "v", &mut rng(7)).unwrap();
    let (device_state, response) = DevicePairing::on_commit(&device, "d", &commit, &mut rng(8)).unwrap();
    let (viewer_state, reveal) = viewer_state.on_response(&response).unwrap();
    let mut result = device_state.on_reveal(&reveal).unwrap().reject();
    result[2] = 1; // flip "rejected" into "accepted"
    assert_eq!(viewer_state.on_result(&result, 0).err(), Some(Error::BadSignature));
}

#[test]
fn pairing_with_oneself_is_refused() {
    let (device, _) = identities();
    let (viewer_state, commit) = ViewerPairing::start(&device, "v", &mut rng(7)).unwrap();
    let (_, response) = DevicePairing::on_commit(&device, "d", &commit, &mut rng(8)).unwrap();
    assert_eq!(viewer_state.on_response(&response).err(), Some(Error::SameIdentity));
}

#[test]
fn names_are_checked() {
    let (device, viewer) = identities();
    let long = "x".repeat(65);
    assert_eq!(ViewerPairing::start(&viewer, &long, &mut rng(1)).err(), Some(Error::InvalidName));
    assert_eq!(ViewerPairing::start(&viewer, "a\nb", &mut rng(1)).err(), Some(Error::InvalidName));
    let (_, commit) = ViewerPairing::start(&viewer, &"é".repeat(32), &mut rng(1)).unwrap();
    assert_eq!(
        DevicePairing::on_commit(&device, &long, &commit, &mut rng(2)).err(),
        Some(Error::InvalidName)
    );
}

#[test]
fn wrong_messages_at_each_step_are_refused() {
    let (device, viewer) = identities();
    let (viewer_state, commit) = ViewerPairing::start(&viewer, "v", &mut rng(7)).unwrap();
    // A reveal where a commit is expected, a truncated commit, another version.
    assert_eq!(
        DevicePairing::on_commit(&device, "d", &[1, 3, 0], &mut rng(8)).err(),
        Some(Error::UnexpectedMessage)
    );
    assert_eq!(
        DevicePairing::on_commit(&device, "d", &commit[..33], &mut rng(8)).err(),
        Some(Error::Malformed)
    );
    let mut v2 = commit.clone();
    v2[0] = 2;
    assert_eq!(
        DevicePairing::on_commit(&device, "d", &v2, &mut rng(8)).err(),
        Some(Error::UnsupportedVersion)
    );
    assert_eq!(DevicePairing::on_commit(&device, "d", &[], &mut rng(8)).err(), Some(Error::Malformed));
    let (_, response) = DevicePairing::on_commit(&device, "d", &commit, &mut rng(8)).unwrap();
    let mut long = response.clone();
    long.push(0);
    assert_eq!(viewer_state.on_response(&long).err(), Some(Error::Malformed));
}

#[test]
fn the_paired_set_round_trips_through_postcard_and_unpairs() {
    let (device, viewer) = identities();
    let other = Identity::generate(&mut rng(77));
    let (viewer_record, _) = pair(&device, &viewer);
    let mut set = PairedSet::new();
    assert!(set.insert(viewer_record.clone()).is_none());
    set.insert(PairedPeer::new(other.public_key(), "other".into(), 9).unwrap());
    assert_eq!(set.len(), 2);
    assert_eq!(set.generation(), 2);

    let bytes = set.to_bytes();
    let loaded = PairedSet::from_bytes(&bytes).unwrap();
    assert_eq!(loaded, set);
    assert_eq!(loaded.generation(), 0);
    assert_eq!(loaded.len(), 2);
    assert_eq!(loaded.get(&viewer.id()), Some(&viewer_record));
    assert!(loaded.contains_key(&other.public_key()));

    // Unpairing returns the record, whose id names the sessions to close.
    let mut loaded = loaded;
    let removed = loaded.remove(&viewer.id()).unwrap();
    assert_eq!(removed.id(), viewer.id());
    assert!(loaded.remove(&viewer.id()).is_none());
    assert!(!loaded.contains_key(&viewer.public_key()));
    assert_eq!(loaded.generation(), 1);
    assert_ne!(loaded, set);

    // Garbage, trailing bytes, bad keys and other formats are refused.
    assert_eq!(PairedSet::from_bytes(&[0xff; 5]).err(), Some(Error::Malformed));
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert_eq!(PairedSet::from_bytes(&trailing).err(), Some(Error::Malformed));
    let mut format = bytes.clone();
    format[0] = 2;
    assert_eq!(PairedSet::from_bytes(&format).err(), Some(Error::UnsupportedVersion));
    let weak = PairedPeer::new([0; 32], "x".into(), 0);
    assert!(weak.is_err());
    for cut in 0..bytes.len() {
        assert!(PairedSet::from_bytes(&bytes[..cut]).is_err());
    }
}

#[test]
fn endpoint_ids_print_and_parse_as_hex() {
    let (device, _) = identities();
    let id = device.id();
    let text = id.to_string();
    assert_eq!(text.len(), 32);
    assert!(text.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_eq!(EndpointId::from_hex(&text), Some(id));
    assert_eq!(EndpointId::from_hex(&text.to_uppercase()), Some(id));
    assert_eq!(EndpointId::from_hex(&text[1..]), None);
    assert_eq!(EndpointId::from_hex(&"g".repeat(32)), None);
    // Identities survive storage.
    let again = Identity::from_secret_bytes(&device.secret_bytes());
    assert_eq!(again.id(), id);
}
