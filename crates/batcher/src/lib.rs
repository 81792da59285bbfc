//! A Burn `Batcher` that turns interface items into an input tensor `[B, 7]` and a target tensor
//! `[B, 1]` on any device, applying the feature scaling in one place for training and prediction.
//!
//! Arrives with the issue "Dataset and batcher".
