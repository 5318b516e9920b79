//! Handles as the store sees them: install, rights-checked lookup, close, duplicate, resources.

use weft_abi::{Error, HANDLE_INVALID, HandleValue, Koid, ResourceKind, Rights, Signals};

use super::ObjectStore;
use crate::backend::Backend;
use crate::handles::HandleEntry;
use crate::object::{ObjectData, Resource};

impl<B: Backend> ObjectStore<B> {
    /// Put a handle to `koid` with `rights` into `process`'s table.
    pub fn install_handle(
        &mut self,
        process: Koid,
        koid: Koid,
        rights: Rights,
    ) -> Result<HandleValue, Error> {
        if !self.objects.contains_key(&koid) {
            return Err(Error::BadHandle);
        }
        let value = self.process_mut(process)?.handles.insert(HandleEntry { koid, rights })?;
        if let Some(object) = self.objects.get_mut(&koid) {
            object.handle_refs = object.handle_refs.saturating_add(1);
        }
        Ok(value)
    }

    /// Look a handle of `process` up, requiring `rights`.
    pub(crate) fn handle(
        &self,
        process: Koid,
        value: HandleValue,
        rights: Rights,
    ) -> Result<HandleEntry, Error> {
        self.process(process)?.handles.get_with(value, rights)
    }

    /// Insert a new object's handle into the caller's table; on failure the
    /// object is destroyed again.
    pub(crate) fn give_new(
        &mut self,
        process: Koid,
        koid: Koid,
        rights: Rights,
    ) -> Result<HandleValue, Error> {
        self.install_handle(process, koid, rights).inspect_err(|_| self.discard(koid))
    }

    /// Create an object with no signals raised and give `process` a handle.
    pub(crate) fn create(
        &mut self,
        process: Koid,
        data: ObjectData<B>,
        rights: Rights,
    ) -> Result<HandleValue, Error> {
        let koid = self.insert(data, Signals::empty());
        self.give_new(process, koid, rights)
    }

    /// `handle_close`. Closing `HANDLE_INVALID` is allowed and does nothing.
    pub(crate) fn close(&mut self, process: Koid, handle: HandleValue) -> Result<(), Error> {
        if handle == HANDLE_INVALID {
            return Ok(());
        }
        let entry = self.process_mut(process)?.handles.remove(handle)?;
        self.release(alloc::vec![entry]);
        Ok(())
    }

    /// `handle_duplicate`: a second handle, with at most the same rights.
    pub(crate) fn duplicate(
        &mut self,
        process: Koid,
        handle: HandleValue,
        rights: Rights,
    ) -> Result<HandleValue, Error> {
        let entry = self.handle(process, handle, Rights::DUPLICATE)?;
        let rights = entry.narrowed(rights)?;
        self.install_handle(process, entry.koid, rights)
    }

    /// The resource a handle names, if it carries `rights`.
    pub(crate) fn resource(
        &self,
        process: Koid,
        handle: HandleValue,
        rights: Rights,
    ) -> Result<Resource, Error> {
        let entry = self.handle(process, handle, rights)?;
        match &self.get(entry.koid)?.data {
            ObjectData::Resource(resource) => Ok(*resource),
            _ => Err(Error::WrongType),
        }
    }

    /// The resource a process's handle names, if the handle carries
    /// `rights` (backends that model devices look resources up this way).
    pub fn resource_of(
        &self,
        process: Koid,
        handle: HandleValue,
        rights: Rights,
    ) -> Result<(ResourceKind, u64, u64), Error> {
        let resource = self.resource(process, handle, rights)?;
        Ok((resource.kind, resource.base, resource.size))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestBackend, bare_process};

    #[test]
    fn handles_count_references_and_rights_only_narrow() {
        let objects = &mut ObjectStore::<TestBackend>::new();
        let p = bare_process(objects);
        let event = objects.create(p, ObjectData::Event, Rights::DEFAULT).unwrap();
        let koid = objects.handle(p, event, Rights::empty()).unwrap().koid;
        let narrow = objects.duplicate(p, event, Rights::WAIT).unwrap();
        assert_eq!(objects.get(koid).unwrap().handle_refs, 2);
        assert_eq!(objects.duplicate(p, narrow, Rights::WAIT), Err(Error::AccessDenied));
        assert_eq!(
            objects.process_mut(p).unwrap().handles.replace(narrow, Rights::WAIT | Rights::READ),
            Err(Error::InvalidArgs)
        );
        let same = objects.process_mut(p).unwrap().handles.replace(event, Rights::SAME).unwrap();
        assert_eq!(objects.handle(p, event, Rights::empty()), Err(Error::BadHandle));
        assert_eq!(objects.handle(p, same, Rights::DEFAULT).unwrap().koid, koid);
        objects.close(p, same).unwrap();
        assert!(objects.contains(koid));
        objects.close(p, narrow).unwrap();
        assert!(!objects.contains(koid));
        assert_eq!(objects.close(p, HANDLE_INVALID), Ok(()));
        assert_eq!(objects.close(p, narrow), Err(Error::BadHandle));
    }

    #[test]
    fn resources_are_found_only_through_the_right_handle() {
        let objects = &mut ObjectStore::<TestBackend>::new();
        let p = bare_process(objects);
        let mmio = objects.create_resource(ResourceKind::Mmio, 0x1000, 0x100);
        let handle = objects.install_handle(p, mmio, Rights::INSPECT).unwrap();
        assert_eq!(objects.resource_of(p, handle, Rights::INSPECT), Ok((ResourceKind::Mmio, 0x1000, 0x100)));
        assert_eq!(objects.resource_of(p, handle, Rights::MANAGE), Err(Error::AccessDenied));
        let event = objects.create(p, ObjectData::Event, Rights::DEFAULT).unwrap();
        assert_eq!(objects.resource(p, event, Rights::empty()), Err(Error::WrongType));
        assert_eq!(objects.install_handle(p, 9, Rights::DEFAULT), Err(Error::BadHandle));
    }
}
