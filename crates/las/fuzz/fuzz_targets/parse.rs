//! Any bytes: the LAS reader returns a file or an error, never panics, and what it returns holds
//! together (every curve has one value per row).
#![no_main]

use libfuzzer_sys::fuzz_target;
use zoepnet_las::{NullPolicy, ReadOptions, parse};

fuzz_target!(|data: &[u8]| {
    for null_policy in [NullPolicy::none(), NullPolicy::strict(), NullPolicy::common()] {
        let Ok(log) = parse(data, &ReadOptions { null_policy }) else {
            continue;
        };
        let rows = log.rows();
        assert!(!log.curves.is_empty());
        assert!(log.curves.iter().all(|c| c.len() == rows));
        let _ = log.index().range();
        let _ = log.depth_m();
        for curve in &log.curves {
            let _ = (curve.non_null(), curve.range());
            let _ = log.velocity_from_slowness(curve.mnemonic());
            let _ = log.density_kg_m3(curve.mnemonic());
        }
        let _ = (log.well_name(), log.version_number(), log.wrapped(), log.well_number("STEP"));
        for w in &log.warnings {
            let _ = w.to_string();
        }
    }
});
