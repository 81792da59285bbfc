"""The 2018 tutorial's training loop in NumPy, timed: the reference for `cargo bench -p zoepnet-learner`.

The loop is the notebook's (The Leading Edge, August 2018, "Neural networks"): a 7-300-1 sigmoid
network, per-sample SGD at learning rate 0.001 for 100 epochs, W2 updated before the hidden error is
computed with it; each epoch shuffles the validation list, measures its MSE, then shuffles the
training list and trains on it. It reads the interfaces `zoepnet data` wrote, so both sides learn
from the same numbers:

    zoepnet data configs/tutorial.toml --out /tmp/tutorial-data
    python3 crates/learner/benches/tutorial_numpy.py /tmp/tutorial-data

and prints the last epoch's training and validation MSE (1.284454e-4 and 1.330712e-4) and the
loop's time (median of 5 runs).
"""

import csv
import json
import sys
import time

import numpy as np


def load(folder, name, scaler):
    """The scaled inputs and the targets of `zoepnet data`'s NAME.csv, as two arrays."""
    with open(f"{folder}/{name}.csv") as f:
        rows = list(csv.DictReader(f))
    cols = ["vp1", "vs1", "rho1", "vp2", "vs2", "rho2", "theta"]
    x = np.array([[float(r[c]) for c in cols] for r in rows])
    y = np.array([float(r["rpp"]) for r in rows])
    return (x - np.array(scaler["mean"])) / np.array(scaler["std"]), y


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def forward(xi, params):
    z1 = params["W1"] @ xi + params["b1"]
    a1 = sigmoid(z1)
    z2 = params["W2"] @ a1 + params["b2"]
    return z2, a1


def backward(xi, yi, a1, z2, params, learning_rate):
    err_output = z2 - yi
    params["W2"] -= learning_rate * err_output * a1
    params["b2"] -= learning_rate * err_output
    err_hidden = err_output * a1 * (1 - a1) * params["W2"]
    params["W1"] -= learning_rate * np.outer(err_hidden, xi)
    params["b1"] -= learning_rate * err_hidden


def train(train_data, val_data, epochs=100, learning_rate=0.001, hidden=300):
    np.random.seed(42)
    params = {
        "W1": 0.1 * np.random.randn(hidden, 7),
        "b1": np.zeros(hidden),
        "W2": 0.1 * np.random.randn(hidden),
        "b2": 0.0,
    }
    train_data, val_data = list(train_data), list(val_data)
    for _ in range(epochs):
        np.random.shuffle(val_data)
        val_loss = sum((forward(x, params)[0] - y) ** 2 for x, y in val_data) / len(val_data)
        np.random.shuffle(train_data)
        train_loss = 0.0
        for x, y in train_data:
            z2, a1 = forward(x, params)
            train_loss += (z2 - y) ** 2
            backward(x, y, a1, z2, params, learning_rate)
        train_loss /= len(train_data)
    return train_loss, val_loss


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "/tmp/tutorial-data"
    with open(f"{folder}/scaler.json") as f:
        scaler = json.load(f)
    # The notebook's lists of (x, y) pairs.
    train_data = list(zip(*load(folder, "train", scaler)))
    val_data = list(zip(*load(folder, "val", scaler)))
    times = []
    for _ in range(5):
        start = time.perf_counter()
        train_loss, val_loss = train(train_data, val_data)
        times.append(time.perf_counter() - start)
    times.sort()
    print(f"last epoch: train MSE {train_loss:.6e}, val MSE {val_loss:.6e}")
    print(f"NumPy {np.__version__}, 100 epochs: median {times[2] * 1e3:.0f} ms, "
          f"min {times[0] * 1e3:.0f} ms, max {times[4] * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
