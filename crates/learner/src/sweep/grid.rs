//! A sweep's grid: every combination of the values given for some config keys, each a list of
//! `key=value` overrides, and the name of each variant's run folder.

/// A grid that cannot be made from what was given (each `--set KEY=V1,V2,...`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GridError {
    /// Not `KEY=V1,V2,...`.
    #[error("{0:?}: expected KEY=V1,V2,..., e.g. model.activation=sigmoid,tanh")]
    NotKeyValues(String),
    /// A value left empty (`1,,2`).
    #[error("{0:?}: an empty value")]
    EmptyValue(String),
    /// A key given twice.
    #[error("{0}: given twice; give all its values at once (KEY=V1,V2,...)")]
    Twice(String),
}

/// `values` split at the commas outside brackets and quotes.
pub(crate) fn split_values(values: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let (mut depth, mut quote) = (0i32, None::<char>);
    for c in values.chars() {
        match (c, quote) {
            ('"' | '\'', None) => quote = Some(c),
            (c, Some(q)) if c == q => quote = None,
            ('[' | '{', None) => depth += 1,
            (']' | '}', None) => depth -= 1,
            (',', None) if depth == 0 => {
                parts.push(current.trim().to_owned());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current.trim().to_owned());
    parts
}

/// Every combination of the `--set` values, as lists of `key=value` overrides; and the keys
/// that take more than one value.
pub fn grid(sets: &[String]) -> Result<(Vec<Vec<String>>, Vec<String>), GridError> {
    let mut axes: Vec<(String, Vec<String>)> = Vec::new();
    for given in sets {
        let (key, values) = given
            .split_once('=')
            .ok_or_else(|| GridError::NotKeyValues(given.clone()))?;
        let values = split_values(values);
        if values.iter().any(String::is_empty) {
            return Err(GridError::EmptyValue(given.clone()));
        }
        let key = key.trim().to_owned();
        if axes.iter().any(|(k, _)| *k == key) {
            return Err(GridError::Twice(key));
        }
        axes.push((key, values));
    }
    let mut combos: Vec<Vec<String>> = vec![Vec::new()];
    for (key, values) in &axes {
        combos = combos
            .into_iter()
            .flat_map(|combo| {
                values.iter().map(move |v| {
                    let mut next = combo.clone();
                    next.push(format!("{key}={v}"));
                    next
                })
            })
            .collect();
    }
    let varied = axes
        .iter()
        .filter(|(_, values)| values.len() > 1)
        .map(|(key, _)| key.clone())
        .collect();
    Ok((combos, varied))
}

/// The variants of a grid ([`grid`]): each combination named by [`run_name`], its overrides
/// those `overrides_of` makes of the combination (it as it is, or with a backend's added).
pub fn variants(
    combos: &[Vec<String>],
    varied: &[String],
    overrides_of: impl Fn(&[String]) -> Vec<String>,
) -> Vec<super::Variant> {
    combos
        .iter()
        .map(|combo| super::Variant {
            name: run_name(combo, varied),
            overrides: overrides_of(combo),
        })
        .collect()
}

/// A run folder's name: the varied `key=value` pairs joined by `+`, or `run` when nothing
/// varies.
pub fn run_name(combo: &[String], varied: &[String]) -> String {
    let parts: Vec<String> = combo
        .iter()
        .filter(|kv| {
            varied
                .iter()
                .any(|k| kv.split_once('=').is_some_and(|(key, _)| key == k))
        })
        .map(|kv| {
            kv.chars()
                .map(|c| {
                    if c.is_alphanumeric() || "._=-".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        })
        .collect();
    if parts.is_empty() {
        "run".into()
    } else {
        parts.join("+")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_split_outside_brackets_and_quotes() {
        assert_eq!(split_values("0.001,0.01"), ["0.001", "0.01"]);
        assert_eq!(split_values("[0, 1],[2]"), ["[0, 1]", "[2]"]);
        assert_eq!(split_values("\"a,b\",c"), ["\"a,b\"", "c"]);
        assert_eq!(split_values("tanh"), ["tanh"]);
    }

    #[test]
    fn the_grid_is_every_combination_last_key_fastest() {
        let (combos, varied) = grid(&[
            "model.activation=sigmoid,tanh".into(),
            "train.epochs=5".into(),
            "train.learning_rate=0.001,0.01".into(),
        ])
        .unwrap();
        assert_eq!(varied, ["model.activation", "train.learning_rate"]);
        assert_eq!(combos.len(), 4);
        assert_eq!(
            combos[1],
            [
                "model.activation=sigmoid",
                "train.epochs=5",
                "train.learning_rate=0.01"
            ]
        );
        assert_eq!(
            run_name(&combos[2], &varied),
            "model.activation=tanh+train.learning_rate=0.001"
        );
        assert!(grid(&["model.activation".into()]).is_err());
        assert!(grid(&["train.epochs=1,,2".into()]).is_err());
    }
}
