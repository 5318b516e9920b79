//! The block device under the store: `weft.block` calls, split into
//! transfers the protocol allows.

use alloc::string::String;
use weft_block_api::{BlockError, BlockInfo, BlockProtocol, BlockRequest, BlockResponse, MAX_TRANSFER};
use weft_ipc::Client;
use weft_storage_fs::{BlockDevice, DeviceError, SECTOR};

/// A `weft.block` connection as the store's device.
pub struct BlockClient {
    client: Client<BlockProtocol>,
    sectors: u64,
}

impl BlockClient {
    /// Ask the device what it is.
    pub fn open(client: Client<BlockProtocol>) -> Result<(BlockClient, BlockInfo), String> {
        match client.call(&BlockRequest::Info) {
            Ok(BlockResponse::Info(info)) => Ok((BlockClient { client, sectors: info.sectors }, info)),
            Ok(other) => Err(alloc::format!("unexpected answer to Info: {other:?}")),
            Err(error) => Err(weft_ipc::describe(&error)),
        }
    }

    fn call(&self, request: &BlockRequest) -> Result<BlockResponse, DeviceError> {
        match self.client.call(request) {
            Ok(BlockResponse::Error(BlockError::OutOfRange)) => Err(DeviceError::OutOfRange),
            Ok(BlockResponse::Error(BlockError::BadLength)) => Err(DeviceError::Misaligned),
            Ok(BlockResponse::Error(error)) => {
                weft_rt::warn!("block device: {error:?}");
                Err(DeviceError::Io)
            }
            Ok(response) => Ok(response),
            Err(error) => {
                weft_rt::warn!("block device unreachable: {}", weft_ipc::describe(&error));
                Err(DeviceError::Io)
            }
        }
    }
}

/// Sectors one transfer moves at most.
const TRANSFER_SECTORS: usize = MAX_TRANSFER as usize / SECTOR;

impl BlockDevice for BlockClient {
    fn sector_count(&self) -> u64 {
        self.sectors
    }

    fn read(&mut self, sector: u64, buf: &mut [u8]) -> Result<(), DeviceError> {
        if !buf.len().is_multiple_of(SECTOR) {
            return Err(DeviceError::Misaligned);
        }
        let mut at = sector;
        for chunk in buf.chunks_mut(TRANSFER_SECTORS * SECTOR) {
            let count = (chunk.len() / SECTOR) as u32;
            match self.call(&BlockRequest::Read { sector: at, count })? {
                BlockResponse::Data(data) if data.len() == chunk.len() => chunk.copy_from_slice(&data),
                _ => return Err(DeviceError::Io),
            }
            at += u64::from(count);
        }
        Ok(())
    }

    fn write(&mut self, sector: u64, data: &[u8]) -> Result<(), DeviceError> {
        if !data.len().is_multiple_of(SECTOR) {
            return Err(DeviceError::Misaligned);
        }
        let mut at = sector;
        for chunk in data.chunks(TRANSFER_SECTORS * SECTOR) {
            match self.call(&BlockRequest::Write { sector: at, data: chunk.into() })? {
                BlockResponse::Done => {}
                _ => return Err(DeviceError::Io),
            }
            at += (chunk.len() / SECTOR) as u64;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), DeviceError> {
        match self.call(&BlockRequest::Flush)? {
            BlockResponse::Done => Ok(()),
            _ => Err(DeviceError::Io),
        }
    }
}
