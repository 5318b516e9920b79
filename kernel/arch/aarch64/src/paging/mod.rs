//! Translation tables: descriptors, the table walker, user address-space
//! layout and checks.

pub mod pte;
pub mod table;
pub mod user;

pub use pte::{Access, MemoryKind, PAGE};
pub use table::{MapError, Table, TableMemory, UserAccess};
