//! Typed errors returned by every system call.

/// Why a system call failed. Returned to userspace as the negative of its
/// code; `0` and positive values are successful results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Error {
    /// An argument is malformed (bad flags, zero where a value is needed,
    /// duplicate handles in one message, ...).
    InvalidArgs = 1,
    /// The handle value names nothing in the caller's table, or is stale.
    BadHandle = 2,
    /// The handle names an object of the wrong kind for this call.
    WrongType = 3,
    /// The handle lacks a right this call needs.
    AccessDenied = 4,
    /// The kernel could not allocate memory for the request.
    NoMemory = 5,
    /// The operation would block and the caller asked not to.
    ShouldWait = 6,
    /// The other end of the channel is closed.
    PeerClosed = 7,
    /// The deadline passed.
    TimedOut = 8,
    /// A size, offset or count is outside what the object or kernel allows.
    OutOfRange = 9,
    /// The caller's buffer is too small; the required size is reported.
    BufferTooSmall = 10,
    /// A user pointer does not lie inside the caller's accessible memory.
    BadAddress = 11,
    /// The system-call number or option is unknown.
    NotSupported = 12,
    /// A per-process or per-object limit was reached.
    LimitReached = 13,
    /// The wait was cancelled because the handle was closed.
    Canceled = 14,
    /// The object is in a state that does not allow the call.
    BadState = 15,
    /// The calling thread's process has been killed; the thread must stop.
    Killed = 16,
    /// A program image failed verification (signature, hash or format).
    BadImage = 17,
    /// A requested item does not exist.
    NotFound = 18,
}

impl Error {
    /// Every error, in code order.
    pub const ALL: [Error; 18] = [
        Error::InvalidArgs,
        Error::BadHandle,
        Error::WrongType,
        Error::AccessDenied,
        Error::NoMemory,
        Error::ShouldWait,
        Error::PeerClosed,
        Error::TimedOut,
        Error::OutOfRange,
        Error::BufferTooSmall,
        Error::BadAddress,
        Error::NotSupported,
        Error::LimitReached,
        Error::Canceled,
        Error::BadState,
        Error::Killed,
        Error::BadImage,
        Error::NotFound,
    ];

    /// The positive code of this error.
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The error with this positive code, if any.
    pub fn from_code(code: i32) -> Option<Error> {
        Error::ALL.iter().copied().find(|e| e.code() == code)
    }

    /// Encode a system-call result into the single return register.
    pub fn encode_result(result: Result<usize, Error>) -> isize {
        match result {
            // Results are bounded by the kernel well below isize::MAX.
            Ok(value) => value.min(isize::MAX as usize) as isize,
            Err(error) => -(error.code() as isize),
        }
    }

    /// Decode the return register of a system call.
    pub fn decode_result(raw: isize) -> Result<usize, Error> {
        if raw >= 0 {
            Ok(raw as usize)
        } else {
            let code = raw.unsigned_abs().min(i32::MAX as usize) as i32;
            Err(Error::from_code(code).unwrap_or(Error::NotSupported))
        }
    }

    /// A short human-readable name.
    pub const fn name(self) -> &'static str {
        match self {
            Error::InvalidArgs => "invalid arguments",
            Error::BadHandle => "bad handle",
            Error::WrongType => "wrong object type",
            Error::AccessDenied => "access denied",
            Error::NoMemory => "out of memory",
            Error::ShouldWait => "should wait",
            Error::PeerClosed => "peer closed",
            Error::TimedOut => "timed out",
            Error::OutOfRange => "out of range",
            Error::BufferTooSmall => "buffer too small",
            Error::BadAddress => "bad address",
            Error::NotSupported => "not supported",
            Error::LimitReached => "limit reached",
            Error::Canceled => "cancelled",
            Error::BadState => "bad state",
            Error::Killed => "killed",
            Error::BadImage => "bad program image",
            Error::NotFound => "not found",
        }
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

impl core::error::Error for Error {}
