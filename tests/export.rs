//! Issue 16: a trained run's network as safetensors, loaded with Python (numpy + safetensors)
//! by the README's own lines, reproduces `zoepnet predict` to 1e-12.
//!
//! Python is `ZOEPNET_PYTHON` or `python3`. Without numpy and safetensors the test says so and
//! passes, unless `ZOEPNET_REQUIRE_PYTHON=1` (set by `.ci/run`, which installs them).

mod common;

use std::path::Path;
use std::process::Command;

use common::{real_data_dir, repo_root, run, temp_dir, zoepnet};

/// The fenced Python block after `<!-- test: python export -->` in the README.
fn readme_python() -> String {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let start = readme
        .find("<!-- test: python export -->")
        .expect("the README's marked Python block");
    let block = &readme[start..];
    let open = block.find("```python\n").expect("a python fence") + "```python\n".len();
    let close = open + block[open..].find("```").expect("its end");
    block[open..close].to_owned()
}

/// `python -c` with numpy and safetensors, or None (and why) where they are missing.
fn python() -> Result<String, String> {
    let python = std::env::var("ZOEPNET_PYTHON").unwrap_or_else(|_| "python3".into());
    match Command::new(&python)
        .args(["-c", "import numpy, safetensors"])
        .output()
    {
        Ok(out) if out.status.success() => Ok(python),
        Ok(out) => Err(format!(
            "{python} lacks numpy or safetensors: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => Err(format!("{python}: {e}")),
    }
}

/// The README's lines on `model` and `csv`, printing each prediction to 17 digits.
fn python_predictions(python: &str, model: &Path, csv: &Path) -> Vec<f64> {
    let code = readme_python()
        .replace(
            "runs/tutorial/model.safetensors",
            &model.display().to_string(),
        )
        .replace(
            "\"interfaces.csv\"",
            &format!("{:?}", csv.display().to_string()),
        )
        + "import sys\nnp.savetxt(sys.stdout, rpp, fmt=\"%.17g\")\n";
    let out = Command::new(python)
        .args(["-c", &code])
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{code}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().parse().expect("a number"))
        .collect()
}

#[test]
fn python_reproduces_predict_from_the_safetensors_file() {
    let python = match python() {
        Ok(p) => p,
        Err(why) if std::env::var("ZOEPNET_REQUIRE_PYTHON").is_ok_and(|v| v == "1") => {
            panic!("ZOEPNET_REQUIRE_PYTHON=1: {why}")
        }
        Err(why) => {
            eprintln!("skipped: {why} (pip install numpy safetensors)");
            return;
        }
    };
    let dir = temp_dir("export");
    let out = dir.join("run");
    let (status, _, stderr) = run(zoepnet()
        .args(["train", "configs/tutorial.toml", "--offline", "--out"])
        .arg(&out)
        .args(["--set", "train.epochs=3"])
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(status.status.success(), "{stderr}");
    // The run's text files end with a newline (Burn writes model.json without one).
    for file in ["model.json", "scaler.json", "summary.json"] {
        let text = std::fs::read_to_string(out.join(file)).expect(file);
        assert!(text.ends_with('\n'), "{file}");
    }
    // Interfaces over the tutorial's range and past it (soft and hard rocks, 0-60 degrees).
    let mut csv = String::from("vp1,vs1,rho1,vp2,vs2,rho2,theta\n");
    for i in 0..40 {
        let f = i as f64 / 39.0;
        csv += &format!(
            "{},{},{},{},{},{},{}\n",
            2000.0 + 3000.0 * f,
            900.0 + 1800.0 * f,
            2100.0 + 400.0 * f,
            2300.0 + 2500.0 * (1.0 - f),
            1100.0 + 1500.0 * (1.0 - f),
            2200.0 + 300.0 * f,
            60.0 * f
        );
    }
    let input = dir.join("interfaces.csv");
    std::fs::write(&input, csv).expect("written");
    let predicted = dir.join("predicted.csv");
    let (status, _, stderr) = run(zoepnet()
        .args(["predict"])
        .arg(&out)
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(&predicted));
    assert!(status.status.success(), "{stderr}");
    let text = std::fs::read_to_string(&predicted).expect("predictions");
    let column = text
        .lines()
        .next()
        .and_then(|h| h.split(',').position(|c| c == "rpp_pred"))
        .expect("an rpp_pred column");
    let want: Vec<f64> = text
        .lines()
        .skip(1)
        .map(|l| {
            l.split(',')
                .nth(column)
                .expect("a value")
                .parse()
                .expect("a number")
        })
        .collect();
    assert_eq!(want.len(), 40);
    // The file `train` wrote, and the one `export` writes.
    let exported = dir.join("exported.safetensors");
    let (status, _, stderr) = run(zoepnet()
        .arg("export")
        .arg(&out)
        .arg("--output")
        .arg(&exported));
    assert!(status.status.success(), "{stderr}");
    assert!(stderr.contains("fc1.weight [300, 7]"), "{stderr}");
    for model in [out.join("model.safetensors"), exported] {
        let got = python_predictions(&python, &model, &input);
        assert_eq!(got.len(), want.len(), "{}", model.display());
        let worst = got
            .iter()
            .zip(&want)
            .map(|(g, w)| (g - w).abs())
            .fold(0.0, f64::max);
        println!(
            "{}: largest |python - predict| {worst:.3e}",
            model.display()
        );
        assert!(worst < 1e-12, "{}: {worst:e}", model.display());
        // Not a constant: the network was trained and the rows differ.
        assert!(want.iter().any(|w| (w - want[0]).abs() > 1e-3), "{want:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
