//! Placeholder replaced by the exchange fault tests.
