"""Adam at batch 32 to a validation MSE of 1e-5 in PyTorch on one CPU thread: the reference for
`cargo bench -p zoepnet-learner --bench adam`.

The same data (the interfaces `zoepnet data` writes), network (7-300-1 sigmoid, W1 and W2 from
0.1 * randn after np.random.seed(42), zero biases), loss (half the MSE), Adam (lr 0.001,
betas 0.9/0.999, eps 1e-8), batches of 32 in a fresh shuffle each epoch, and stop (validation
measured at the start of each epoch):

    zoepnet data configs/tutorial.toml --out /tmp/tutorial-data
    python3 crates/learner/benches/adam_torch.py /tmp/tutorial-data

prints, for float64 and float32, the epochs and seconds it took.
"""

import json
import sys
import time

import numpy as np
import torch

from tutorial_numpy import load  # the same CSV reader, beside this file


def run(folder, dtype):
    with open(f"{folder}/scaler.json") as f:
        scaler = json.load(f)
    xt, yt = load(folder, "train", scaler)
    xv, yv = load(folder, "val", scaler)
    np.random.seed(42)
    w1 = 0.1 * np.random.randn(300, 7)
    w2 = 0.1 * np.random.randn(300)
    model = torch.nn.Sequential(torch.nn.Linear(7, 300), torch.nn.Sigmoid(), torch.nn.Linear(300, 1))
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor(w1))
        model[0].bias.zero_()
        model[2].weight.copy_(torch.tensor(w2).reshape(1, 300))
        model[2].bias.zero_()
    model = model.to(dtype)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    Xt = torch.tensor(xt, dtype=dtype)
    Yt = torch.tensor(yt, dtype=dtype).reshape(-1, 1)
    Xv = torch.tensor(xv, dtype=dtype)
    Yv = torch.tensor(yv, dtype=dtype).reshape(-1, 1)
    order = np.arange(len(yt))
    start = time.perf_counter()
    for epoch in range(1, 20001):
        with torch.no_grad():
            val = torch.mean((model(Xv) - Yv) ** 2).item()
        if val <= 1e-5:
            return epoch, val, time.perf_counter() - start
        np.random.shuffle(order)
        for b in range(0, len(order), 32):
            idx = torch.from_numpy(order[b:b + 32])
            opt.zero_grad()
            loss = 0.5 * torch.mean((model(Xt[idx]) - Yt[idx]) ** 2)
            loss.backward()
            opt.step()
    return epoch, val, time.perf_counter() - start


def main():
    torch.set_num_threads(1)
    folder = sys.argv[1] if len(sys.argv) > 1 else "/tmp/tutorial-data"
    for dtype in (torch.float64, torch.float32):
        epoch, val, seconds = run(folder, dtype)
        print(f"PyTorch {torch.__version__}, 1 thread, {dtype}: val MSE {val:.3e} at the start of epoch {epoch} "
              f"(after {epoch - 1} epochs, {(epoch - 1) * 13} steps) in {seconds:.2f} s, "
              f"{seconds / max(1, (epoch - 1) * 13) * 1e6:.0f} us a step")


if __name__ == "__main__":
    main()
