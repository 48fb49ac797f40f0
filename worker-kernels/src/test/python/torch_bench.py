#!/usr/bin/python3
"""PyTorch's side of the side-by-side benchmark (docs/benchmarks.md): the same three nets, the
same training step (SGD, momentum 0.9, lr 0.01, L2 5e-4 on weights only, softmax cross-entropy,
summed-then-averaged over the batch), synthetic random input, steady-state images/s after a warm-up,
median of repeats. Prints one JSON object per line, as `sparkconv bench --json` does.

Run with Debian's interpreter, which has torch 1.13 (python3-torch):
  OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 torch_bench.py --net lenet --threads 2
Its best setting (the issue's findings): channels_last for lenet and vgg-small, and
OPENBLAS_NUM_THREADS=1 so that OpenBLAS's pool does not fight PyTorch's over the cores;
--layout contiguous measures the default.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(20, 50, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10)), (1, 28, 28), 10


def vgg_small():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 256), nn.ReLU(), nn.Linear(256, 10)), (1, 28, 28), 10


def alexnet():
    # One tower, no groups; LRN k=1 as conf/nets/alexnet.yaml (PyTorch divides alpha by size too).
    return nn.Sequential(
        nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(), nn.LocalResponseNorm(5, 1e-4, 0.75, 1.0), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(), nn.LocalResponseNorm(5, 1e-4, 0.75, 1.0), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Flatten(), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 1000)), (3, 227, 227), 1000


NETS = {"lenet": lenet, "vgg-small": vgg_small, "alexnet": alexnet}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--net", required=True, choices=NETS)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--batch", type=int)
    ap.add_argument("--layout", choices=["channels_last", "contiguous", "best"], default="best")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=3.0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model, shape, classes = NETS[a.net]()
    batch = a.batch or (32 if a.net == "alexnet" else 100)
    layout = a.layout
    if layout == "best":
        layout = "contiguous" if a.net == "alexnet" else "channels_last"
    fmt = torch.channels_last if layout == "channels_last" else torch.contiguous_format
    model = model.to(memory_format=fmt)
    model.train()
    decay = [p for n, p in model.named_parameters() if n.endswith("weight")]
    no_decay = [p for n, p in model.named_parameters() if n.endswith("bias")]
    opt = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4}, {"params": no_decay, "weight_decay": 0}],
                          lr=0.01, momentum=0.9)
    x = (torch.rand(batch, *shape) * 2 - 1).contiguous(memory_format=fmt)
    y = torch.randint(0, classes, (batch,))
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    start = time.perf_counter()
    warm = 0
    while warm < 3 or time.perf_counter() - start < 1.0:
        step()
        warm += 1
    per = (time.perf_counter() - start) / warm
    steps = max(1, int(-(-a.seconds // per)))
    rates = []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        rates.append(steps * batch / (time.perf_counter() - t0))
    print(json.dumps({"net": a.net, "backend": "pytorch-" + torch.__version__, "precision": "fp32",
                      "threads": a.threads, "batch": batch, "layout": layout,
                      "images_per_second": round(statistics.median(rates), 1),
                      "repeats": [round(r, 1) for r in rates], "steps_per_repeat": steps}), flush=True)


if __name__ == "__main__":
    main()
