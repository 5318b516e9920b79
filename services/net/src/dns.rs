//! The resolver: A queries over UDP to the configured servers, tried in
//! order, each twice, with answers matched by id, server and question.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::{Ipv4Addr, SocketAddrV4};

use simple_dns::rdata::RData;
use simple_dns::{CLASS, Name, Packet, PacketFlag, QCLASS, QTYPE, Question, TYPE};

/// Build the query for `name` with `id`.
pub fn query(id: u16, name: &str) -> Result<Vec<u8>, String> {
    let qname = Name::new(name).map_err(|e| alloc::format!("{name}: not a host name ({e})"))?;
    let mut packet = Packet::new_query(id);
    packet.set_flags(PacketFlag::RECURSION_DESIRED);
    packet.questions.push(Question::new(qname, QTYPE::TYPE(TYPE::A), QCLASS::CLASS(CLASS::IN), false));
    packet.build_bytes_vec().map_err(|e| alloc::format!("{name}: {e}"))
}

/// What an answer says.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// Not an answer to this query (another id, a question that differs):
    /// ignore it.
    Unrelated,
    /// The name exists with these addresses (empty: no A record).
    Addresses(Vec<Ipv4Addr>),
    /// The server says the name does not exist.
    NoSuchName,
    /// The server failed; try the next one.
    ServerFailure,
}

/// Read `bytes` as the answer to query `id` for `name`.
pub fn answer(bytes: &[u8], id: u16, name: &str) -> Answer {
    let Ok(packet) = Packet::parse(bytes) else { return Answer::Unrelated };
    if packet.id() != id || !packet.has_flags(PacketFlag::RESPONSE) {
        return Answer::Unrelated;
    }
    let asked = packet.questions.first().map(|q| q.qname.to_string());
    if asked.as_deref().map(|q| q.trim_end_matches('.').eq_ignore_ascii_case(name.trim_end_matches('.')))
        != Some(true)
    {
        return Answer::Unrelated;
    }
    match packet.rcode() {
        simple_dns::RCODE::NoError => {}
        simple_dns::RCODE::NameError => return Answer::NoSuchName,
        _ => return Answer::ServerFailure,
    }
    let addresses = packet
        .answers
        .iter()
        .filter_map(|record| match &record.rdata {
            RData::A(a) => Some(Ipv4Addr::from(a.address)),
            _ => None,
        })
        .collect();
    Answer::Addresses(addresses)
}

/// One lookup in progress.
pub struct Lookup {
    /// The name.
    pub name: String,
    /// The query's id.
    pub id: u16,
    /// Which server (index) and attempt.
    pub attempt: usize,
    /// Servers to ask.
    pub servers: Vec<SocketAddrV4>,
    /// When to give up on the current attempt (ns since boot).
    pub retry_at: u64,
}

impl Lookup {
    /// The server for the current attempt (each server is tried twice).
    pub fn server(&self) -> Option<SocketAddrV4> {
        self.servers.get(self.attempt / 2).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_and_its_answer() {
        let bytes = query(7, "weft.test").unwrap();
        let mut packet = Packet::parse(&bytes).unwrap().into_reply();
        packet.answers.push(simple_dns::ResourceRecord::new(
            Name::new("weft.test").unwrap(),
            CLASS::IN,
            60,
            RData::A(simple_dns::rdata::A { address: u32::from(Ipv4Addr::new(10, 0, 2, 2)) }),
        ));
        let reply = packet.build_bytes_vec().unwrap();
        assert_eq!(
            answer(&reply, 7, "weft.test"),
            Answer::Addresses(alloc::vec![Ipv4Addr::new(10, 0, 2, 2)])
        );
        assert_eq!(answer(&reply, 8, "weft.test"), Answer::Unrelated);
        assert_eq!(answer(&reply, 7, "other.test"), Answer::Unrelated);
        assert_eq!(answer(&bytes, 7, "weft.test"), Answer::Unrelated, "a query is not an answer");
        assert_eq!(answer(&[0xff; 3], 7, "weft.test"), Answer::Unrelated);
    }
}
