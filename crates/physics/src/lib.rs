//! Elastic reflectivity of a planar interface: the exact Zoeppritz solution and its classic
//! approximations (Aki-Richards, Shuey).
//!
//! This crate knows nothing of Burn. Velocities are in m/s, densities in kg/m3, angles in degrees
//! at the API edge. The functions arrive with their own issue ("Physics: exact Zoeppritz
//! reflectivity and its classic approximations").
