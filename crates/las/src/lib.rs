//! Reading well logs in LAS 1.2 and 2.0 (Canadian Well Logging Society Log ASCII Standard).
//!
//! This crate knows nothing of Burn: it turns a LAS file into typed header sections and columns of
//! `f64`, with units converted to SI on request. The reader itself arrives with its own issue
//! ("Well logs: a LAS 1.2/2.0 reader worth trusting").
