//! The calling thread and its memory: bounded copies in and out, checked by the backend.

use alloc::string::String;
use alloc::vec::Vec;
use weft_abi::{Error, HandleValue, Koid, limits};

use crate::backend::Backend;
use crate::store::ObjectStore;

/// Who is making a system call, and the backend's context for the call.
pub(crate) struct Caller<'c, B: Backend> {
    pub thread: Koid,
    pub process: Koid,
    pub cx: &'c B::CallContext,
}

// Not derived: a derive would require `B: Copy`.
impl<B: Backend> Clone for Caller<'_, B> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<B: Backend> Copy for Caller<'_, B> {}

impl<'c, B: Backend> Caller<'c, B> {
    /// The caller's memory, reached through its process's address space.
    /// Short-lived: it borrows the store.
    pub(crate) fn user<'a>(self, objects: &'a ObjectStore<B>, backend: &'a B) -> User<'a, B>
    where
        'c: 'a,
    {
        User { objects, backend, process: self.process, cx: self.cx }
    }
}

/// The calling process's memory.
pub(crate) struct User<'a, B: Backend> {
    objects: &'a ObjectStore<B>,
    backend: &'a B,
    process: Koid,
    cx: &'a B::CallContext,
}

impl<B: Backend> User<'_, B> {
    pub(crate) fn read(&self, address: usize, out: &mut [u8]) -> Result<(), Error> {
        if out.is_empty() {
            return Ok(());
        }
        let space = self.objects.process(self.process)?.space.as_ref().ok_or(Error::BadState)?;
        self.backend.copy_from_user(space, self.cx, address, out)
    }

    pub(crate) fn read_vec(&self, address: usize, len: usize) -> Result<Vec<u8>, Error> {
        let mut bytes = Vec::new();
        bytes.try_reserve_exact(len).map_err(|_| Error::NoMemory)?;
        bytes.resize(len, 0);
        self.read(address, &mut bytes)?;
        Ok(bytes)
    }

    pub(crate) fn write(&self, address: usize, data: &[u8]) -> Result<(), Error> {
        if data.is_empty() {
            return Ok(());
        }
        let space = self.objects.process(self.process)?.space.as_ref().ok_or(Error::BadState)?;
        self.backend.copy_to_user(space, self.cx, address, data)
    }

    pub(crate) fn read_pod<T: bytemuck::Pod>(&self, address: usize) -> Result<T, Error> {
        let mut value = T::zeroed();
        self.read(address, bytemuck::bytes_of_mut(&mut value))?;
        Ok(value)
    }

    pub(crate) fn write_pod<T: bytemuck::Pod>(&self, address: usize, value: &T) -> Result<(), Error> {
        self.write(address, bytemuck::bytes_of(value))
    }

    pub(crate) fn read_handles(&self, address: usize, count: usize) -> Result<Vec<HandleValue>, Error> {
        let mut values = alloc::vec![0u32; count];
        self.read(address, bytemuck::cast_slice_mut(&mut values))?;
        Ok(values)
    }

    /// An object name: at most `NAME_BYTES` of UTF-8.
    pub(crate) fn read_name(&self, address: usize, len: usize) -> Result<String, Error> {
        if len > limits::NAME_BYTES {
            return Err(Error::OutOfRange);
        }
        let bytes = self.read_vec(address, len)?;
        String::from_utf8(bytes).map_err(|_| Error::InvalidArgs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{USER_BASE, kernel, spawn};

    #[test]
    fn copies_stay_inside_the_callers_memory() {
        let mut k = kernel();
        let (p, t) = spawn(&mut k, "p", 1);
        let caller = Caller { thread: t, process: p, cx: &() };
        let user = caller.user(&k.objects, &k.backend);
        user.write_pod(USER_BASE + 8, &[7u32, 9]).unwrap();
        assert_eq!(user.read_handles(USER_BASE + 8, 2).unwrap(), [7, 9]);
        assert_eq!(user.read_vec(USER_BASE - 1, 4), Err(Error::BadAddress));
        // Empty copies never touch memory, even at a bad address.
        assert_eq!(user.write(0, &[]), Ok(()));
        user.write(USER_BASE, b"name\xff").unwrap();
        assert_eq!(user.read_name(USER_BASE, 4).as_deref(), Ok("name"));
        assert_eq!(user.read_name(USER_BASE, 5), Err(Error::InvalidArgs));
        assert_eq!(user.read_name(USER_BASE, limits::NAME_BYTES + 1), Err(Error::OutOfRange));
    }
}
