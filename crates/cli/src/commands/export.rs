//! `zoepnet export`: a trained run's network as safetensors, for PyTorch, NumPy and the rest.

use std::path::PathBuf;

use clap::Args;
use zoepnet_learner::run::{SAFETENSORS, export_safetensors, files};

use super::predict::load_run;
use crate::failure::Outcome;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// A run folder written by `zoepnet train` (config.toml, scaler.json, model.bpk, model.json).
    run_dir: PathBuf,
    /// Where to write it [default: RUN_DIR/model.safetensors, which `zoepnet train` also writes].
    #[arg(long, value_name = "OUT.safetensors")]
    output: Option<PathBuf>,
}

pub fn run(args: &ExportArgs) -> Outcome<()> {
    let run = load_run(&args.run_dir)?;
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| args.run_dir.join(SAFETENSORS));
    super::output_file(&out, SAFETENSORS)?;
    export_safetensors(&args.run_dir, &run.model, &out)?;
    let model = &run.config.model;
    let (h, inputs) = (model.hidden * model.members, run.config.data.inputs.width());
    let inner: String = (0..model.layers.saturating_sub(1))
        .map(|k| format!("inner.{k}.weight [{h}, {h}], inner.{k}.bias [{h}], "))
        .collect();
    errln!(
        "wrote {}: fc1.weight [{h}, {inputs}], fc1.bias [{h}], {inner}fc2.weight [1, {h}], \
         fc2.bias [1] (PyTorch's nn.Linear layout), with {} and {} as metadata \
         (zoepnet.model, zoepnet.scaler)",
        out.display(),
        files::MODEL_CONFIG,
        files::SCALER,
    );
    Ok(())
}
