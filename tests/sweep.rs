//! End-to-end: `zoepnet sweep` runs a grid of variants, reports failures without stopping, and
//! `zoepnet compare` prints the same table from the run folders.

mod common;

use std::fs;

use common::{real_data_dir, run, temp_dir, zoepnet};

#[test]
fn a_sweep_runs_every_variant_and_tables_them() {
    let out = temp_dir("sweep");
    let (status, stdout, stderr) = run(zoepnet()
        .args(["sweep", "configs/tutorial.toml", "--offline", "--out"])
        .arg(&out)
        .args(["--set", "model.activation=sigmoid,relu"])
        .args(["--set", "train.learning_rate=0.001,1e3"])
        .args(["--set", "train.epochs=2", "--set", "model.hidden=16"])
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    // Two of the four diverge: the sweep goes on, reports them, and exits 1.
    assert_eq!(status.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("2 of 4 run(s) failed (see the table)"),
        "{stderr}"
    );
    let csv = fs::read_to_string(out.join("sweep.csv")).expect("sweep.csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "run,model.activation,train.learning_rate,status,epochs,final_train_mse,final_val_mse,blind_mse,avo_max_abs_error,train_seconds"
    );
    assert_eq!(lines.len(), 5, "{csv}");
    // Last key fastest: sigmoid/0.001, sigmoid/1e3, relu/0.001, relu/1e3.
    assert!(
        lines[1]
            .starts_with("model.activation=sigmoid+train.learning_rate=0.001,sigmoid,0.001,ok,2,"),
        "{}",
        lines[1]
    );
    for failed in [lines[2], lines[4]] {
        assert!(
            failed.contains("failed: training configs/tutorial.toml: the training loss became"),
            "{failed}"
        );
    }
    // An ok row's figures are its run folder's summary.
    let summary: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(
            out.join("model.activation=relu+train.learning_rate=0.001")
                .join("summary.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let val = summary["final_val_mse"].as_f64().unwrap();
    let row: Vec<&str> = lines[3].split(',').collect();
    assert_eq!(
        row[..4],
        [
            "model.activation=relu+train.learning_rate=0.001",
            "relu",
            "0.001",
            "ok"
        ]
    );
    assert_eq!(row[6].parse::<f64>().unwrap(), val);
    // The Markdown table, printed and written, and the overlay of validation curves.
    let md = fs::read_to_string(out.join("sweep.md")).unwrap();
    assert_eq!(stdout, md);
    assert_eq!(md.lines().count(), 6);
    let png = fs::read(out.join("sweep-val.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let svg = fs::read_to_string(out.join("sweep-val.svg")).unwrap();
    assert!(
        svg.contains("activation=relu, learning_rate=0.001"),
        "the legend names the variant"
    );

    // compare: the same rows for the runs that succeeded, from their folders.
    let (status, compared, stderr) = run(zoepnet()
        .arg("compare")
        .arg(out.join("model.activation=sigmoid+train.learning_rate=0.001"))
        .arg(out.join("model.activation=relu+train.learning_rate=0.001")));
    assert!(status.status.success(), "{stderr}");
    let ok_rows: Vec<&str> = md.lines().filter(|l| l.contains(" | ok | ")).collect();
    let compared_rows: Vec<&str> = compared.lines().skip(2).collect();
    assert_eq!(compared_rows.len(), 2, "{compared}");
    // compare varies only the activation (the learning rates are equal), so drop that column.
    for (a, b) in ok_rows.iter().zip(&compared_rows) {
        let drop_lr = a.replacen(" | 0.001 | ", " | ", 1);
        assert_eq!(&drop_lr, b);
    }
    // A folder that is not a run is refused with exit code 2.
    let (status, _, stderr) = run(zoepnet().arg("compare").arg(&out));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not a run folder"), "{stderr}");
}
