//! The tutorial's network, 7 -> hidden sigmoid units -> 1 linear output, as a Burn module, with a
//! hand-written back-propagation beside Burn's autodiff and a gradient check between the two.
//!
//! Arrives with the issue "Model: the MLP as a Burn module".
