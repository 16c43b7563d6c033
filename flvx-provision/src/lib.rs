//! flvx-provision
