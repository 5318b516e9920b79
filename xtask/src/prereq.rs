//! Prerequisite checks: rustup targets and host packages.
