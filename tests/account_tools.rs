//! Placeholder replaced by the account-tools integration tests.
