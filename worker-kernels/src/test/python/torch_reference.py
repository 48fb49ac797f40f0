#!/usr/bin/python3
"""Writes the PyTorch reference states that TorchReferenceTest checks the Java backend against.

In the spirit of llm.c's test_gpt2.c: PyTorch (float64, so the reference is exact to ~1e-13)
computes, for a fixed small net, fixed parameters and a fixed batch,
  * the mean softmax cross-entropy loss,
  * the gradient of that loss with respect to the flat parameter vector,
  * the parameters after each of 3 SGD steps (momentum, L2 on weights only, same batch each step),
and writes them to worker-kernels/src/test/resources/reference/<case>.json together with the net
spec as YAML text in our own format, so the test needs neither Python nor torch.

Run from anywhere with the interpreter that has torch (1.13 here):
    /usr/bin/python3 worker-kernels/src/test/python/torch_reference.py

Conventions, which must match the Java backend (see worker-kernels/.../kernels/java):
  * activations NCHW; conv weight (Cout, Cin, KH, KW) then bias (Cout); dense weight (out, in) then
    bias (out), dense input flattened in C,H,W order: torch.nn.Conv2d / Linear / flatten layouts;
  * flat parameter vector: for each layer in order, its weights then its biases, contiguous;
  * maxpool / avgpool: no padding, floor mode (windows wholly inside the input);
  * lrn: b_c = a_c / (k + alpha/size * sum_{size channels centred on c} a^2)^beta
    = torch.nn.functional.local_response_norm(a, size, alpha, beta, k);
  * loss: mean over the batch of -log softmax(scores)[label];
  * SGD (Krizhevsky et al. / Caffe form, our Sgd.java): v = mu*v - lr*(g + lambda*w), w += v,
    lambda on weights only. Written out by hand below, and cross-checked against torch.optim.SGD
    (v' = mu*v' + (g + lambda*w); w -= lr*v', equal for a constant lr with v = -lr*v'), with
    biases in a param group of their own with weight_decay=0.

Values the Java side starts from (inputs, initial parameters) are drawn from fixed seeds and
rounded to float32 first, so both sides start from bit-identical numbers; they are written as the
exact decimal of that float32 (a double that holds it exactly). Reference outputs are float64
written with 15 significant digits.
"""
import gzip
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "resources", "reference"))
FASHION = "/usr/share/datasets/fashion-mnist"  # Debian's dataset-fashion-mnist package

LR, MOMENTUM, L2 = 0.05, 0.9, 1e-3
STEPS = 3


# --- nets: a list of layer dicts in our YAML vocabulary --------------------------------------

def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def yaml_value(v):
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(str(x) for x in v) + "]"
    return str(v)


def net_yaml(name, input_chw, layers):
    c, h, w = input_chw
    lines = [f"name: {name}", f"input: {{channels: {c}, height: {h}, width: {w}}}", "init: he", "layers:"]
    for layer in layers:
        fields = ", ".join(f"{k}: {yaml_value(v)}" for k, v in layer.items())
        lines.append(f"  - {{{fields}}}")
    return "\n".join(lines) + "\n"


def plan(input_chw, layers):
    """Shapes and parameter shapes, as NetPlan infers them: [(layer, in, out, [param shapes])]."""
    c, h, w = input_chw
    size = c * h * w
    shape = (c, h, w)
    out = []
    for layer in layers:
        t = layer["type"]
        params = []
        if t == "conv":
            kh, kw = pair(layer["kernel"])
            sh, sw = pair(layer.get("stride", 1))
            ph, pw = pair(layer.get("pad", 0))
            c, h, w = shape
            new = (layer["filters"], (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1)
            params = [(layer["filters"], c, kh, kw), (layer["filters"],)]
        elif t in ("maxpool", "avgpool"):
            kh, kw = pair(layer["kernel"])
            sh, sw = pair(layer.get("stride", layer["kernel"]))
            c, h, w = shape
            new = (c, (h - kh) // sh + 1, (w - kw) // sw + 1)
        elif t == "dense":
            insize = int(np.prod(shape))
            new = (layer["units"], 1, 1)
            params = [(layer["units"], insize), (layer["units"],)]
        else:  # relu, lrn, softmax keep the shape
            new = shape
        out.append((layer, shape, new, params))
        shape = new
    return out


def forward(planned, params, x, labels, probe=None):
    """Mean cross-entropy. params: list of tensors in flat order. probe collects kink margins."""
    it = iter(params)
    a = x
    for layer, _, _, shapes in planned:
        t = layer["type"]
        if t == "conv":
            wgt, b = next(it), next(it)
            a = F.conv2d(a, wgt, b, stride=pair(layer.get("stride", 1)), padding=pair(layer.get("pad", 0)))
        elif t == "relu":
            if probe is not None:
                probe["relu_min_abs"] = min(probe.get("relu_min_abs", np.inf), a.detach().abs().min().item())
            a = F.relu(a)
        elif t == "maxpool":
            k, s = pair(layer["kernel"]), pair(layer.get("stride", layer["kernel"]))
            if probe is not None:
                gap, ties = maxpool_margin(a.detach(), k, s)
                probe["maxpool_min_gap"] = min(probe.get("maxpool_min_gap", np.inf), gap)
                probe["maxpool_exact_ties"] = probe.get("maxpool_exact_ties", 0) + ties
            a = F.max_pool2d(a, k, s, ceil_mode=False)
        elif t == "avgpool":
            k, s = pair(layer["kernel"]), pair(layer.get("stride", layer["kernel"]))
            a = F.avg_pool2d(a, k, s, ceil_mode=False)
        elif t == "lrn":
            a = F.local_response_norm(a, layer["size"], alpha=layer["alpha"], beta=layer["beta"], k=layer["k"])
        elif t == "dense":
            wgt, b = next(it), next(it)
            a = F.linear(torch.flatten(a, 1), wgt, b)
        elif t == "softmax":
            return F.cross_entropy(torch.flatten(a, 1), labels, reduction="mean")
        else:
            raise ValueError(t)
    raise ValueError("net must end in softmax")


def maxpool_margin(a, k, s):
    """Smallest gap between a window's max and its runner-up, over windows whose max is positive
    (a near tie there could route the gradient elsewhere in float32; among zeros it cannot matter,
    the ReLU before zeroes it), and how many such windows have an exact tie (harmless when the
    tied inputs are equal because their receptive fields are, as on a flat image background)."""
    win = a.unfold(2, k[0], s[0]).unfold(3, k[1], s[1]).reshape(*a.shape[:2], -1, k[0] * k[1])
    top2 = win.topk(2, dim=-1).values
    positive = top2[..., 0] > 0
    gap = top2[..., 0] - top2[..., 1]
    ties = int(((gap == 0) & positive).sum().item())
    gap = gap[(gap > 0) & positive]
    return (gap.min().item() if gap.numel() else np.inf), ties


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def draw_params(planned, rng):
    """He-scaled normal weights and small non-zero biases, rounded to float32."""
    out = []
    for _, _, _, shapes in planned:
        if not shapes:
            continue
        wshape, bshape = shapes
        fan_in = int(np.prod(wshape[1:]))
        out.append(torch.tensor(f32(rng.normal(0.0, np.sqrt(2.0 / fan_in), wshape))))
        out.append(torch.tensor(f32(rng.uniform(-0.1, 0.1, bshape))))
    return out


def flat(tensors):
    return torch.cat([t.detach().reshape(-1) for t in tensors])


def sgd_by_hand(planned, params, x, labels):
    """Our Sgd.java in float64. Returns (losses per step, grad at step 0, params after each step)."""
    params = [p.clone().requires_grad_(True) for p in params]
    velocity = [torch.zeros_like(p) for p in params]
    losses, grad0, after = [], None, []
    for step in range(STEPS):
        for p in params:
            p.grad = None
        loss = forward(planned, params, x, labels)
        loss.backward()
        losses.append(loss.item())
        if step == 0:
            grad0 = flat([p.grad for p in params])
        with torch.no_grad():
            for i, p in enumerate(params):
                decay = L2 if i % 2 == 0 else 0.0  # even positions are weights, odd are biases
                velocity[i].mul_(MOMENTUM).sub_(LR * (p.grad + decay * p))
                p.add_(velocity[i])
        after.append(flat(params))
    return losses, grad0, after


def sgd_by_torch(planned, params, x, labels):
    """The same 3 steps with torch.optim.SGD, as an independent check of the hand-written update."""
    params = [p.clone().requires_grad_(True) for p in params]
    opt = torch.optim.SGD([
        {"params": params[0::2], "weight_decay": L2},
        {"params": params[1::2], "weight_decay": 0.0},
    ], lr=LR, momentum=MOMENTUM)
    after = []
    for _ in range(STEPS):
        opt.zero_grad()
        forward(planned, params, x, labels).backward()
        opt.step()
        after.append(flat(params))
    return after


def margins(planned, params_list, x, labels):
    probe = {}
    for params in params_list:
        with torch.no_grad():
            forward(planned, params, x, labels, probe)
    return probe


def unflatten(planned, vec):
    out, off = [], 0
    for _, _, _, shapes in planned:
        for s in shapes:
            n = int(np.prod(s))
            out.append(vec[off:off + n].reshape(s))
            off += n
    return out


def exact32(values):
    """float32-exact numbers as the shortest decimal that reads back as the same double."""
    return [float(v) for v in np.asarray(values, dtype=np.float64).reshape(-1)]


def ref64(values):
    return [float(f"{v:.15g}") for v in np.asarray(values, dtype=np.float64).reshape(-1)]


def write_case(name, description, input_chw, layers, x, labels, params):
    planned = plan(input_chw, layers)
    x_t = torch.tensor(x)
    y_t = torch.tensor(labels, dtype=torch.long)
    losses, grad, after = sgd_by_hand(planned, params, x_t, y_t)
    check = sgd_by_torch(planned, params, x_t, y_t)
    for mine, theirs in zip(after, check):
        diff = (mine - theirs).abs().max().item()
        assert diff < 1e-12, f"hand-written SGD and torch.optim.SGD disagree by {diff}"
    probe = margins(planned, [params] + [unflatten(planned, a) for a in after[:-1]], x_t, y_t)
    doc = {
        "name": name,
        "description": description,
        "generator": f"worker-kernels/src/test/python/torch_reference.py, torch {torch.__version__}, float64",
        "net_yaml": net_yaml(name, input_chw, layers),
        "batch": len(labels),
        "sgd": {"lr": LR, "momentum": MOMENTUM, "l2": L2, "l2_biases": False},
        "input": exact32(x),
        "labels": [int(v) for v in labels],
        "params": exact32(flat(params).numpy()),
        "loss": losses[0],
        "grad": ref64(grad.numpy()),
        "step_losses": losses,
        "params_after_step": [ref64(a.numpy()) for a in after],
        "margins": probe,
    }
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, name + ".json")
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    n = sum(int(np.prod(s)) for _, _, _, shapes in planned for s in shapes)
    print(f"{path}: {n} params, loss {losses[0]:.12f}, step losses {losses}, "
          f"{os.path.getsize(path)} bytes, margins {probe}")


def mixed():
    """Every layer type with a torch twin, at odd sizes: non-square kernel, stride and padding,
    overlapping 3x3/2 max pool that drops a column (floor), LRN with a window wider than the
    channels at the edges, a second conv, avg pool with a non-square stride, two dense layers."""
    layers = [
        {"type": "conv", "name": "conv1", "filters": 6, "kernel": [3, 5], "stride": 2, "pad": [1, 2]},
        {"type": "relu", "name": "relu1"},
        {"type": "maxpool", "name": "pool1", "kernel": 3, "stride": 2},
        {"type": "lrn", "name": "norm1", "size": 5, "alpha": 1.0, "beta": 0.75, "k": 1.0},
        {"type": "conv", "name": "conv2", "filters": 5, "kernel": 2, "pad": 1},
        {"type": "relu", "name": "relu2"},
        {"type": "avgpool", "name": "pool2", "kernel": 2, "stride": [2, 1]},
        {"type": "dense", "name": "fc1", "units": 7},
        {"type": "relu", "name": "relu3"},
        {"type": "dense", "name": "fc2", "units": 4},
        {"type": "softmax", "name": "loss"},
    ]
    input_chw = (3, 17, 15)
    rng = np.random.default_rng(20240611)
    planned = plan(input_chw, layers)
    params = draw_params(planned, rng)
    n = 4
    x = f32(rng.normal(0.0, 1.0, (n,) + input_chw))
    labels = np.array([0, 3, 1, 2])
    write_case("mixed", "conv [3,5]/2 pad [1,2], relu, maxpool 3/2, lrn 5, conv 2 pad 1, relu, "
               "avgpool 2 stride [2,1], dense 7, relu, dense 4, softmax; 4 random images",
               input_chw, layers, x, labels, params)


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def lenet_small():
    """LeNet's shape (conv5/20, pool2, conv5/50, pool2, fc500, fc10) at reduced width so the file
    stays small, on the first 2 Fashion-MNIST training images, normalized as PixelNormalizer does
    (x/255 minus a channel mean; the mean here is a fixed number close to the training set's)."""
    layers = [
        {"type": "conv", "name": "conv1", "filters": 4, "kernel": 5},
        {"type": "relu", "name": "relu1"},
        {"type": "maxpool", "name": "pool1", "kernel": 2, "stride": 2},
        {"type": "conv", "name": "conv2", "filters": 8, "kernel": 5},
        {"type": "relu", "name": "relu2"},
        {"type": "maxpool", "name": "pool2", "kernel": 2, "stride": 2},
        {"type": "dense", "name": "fc1", "units": 16},
        {"type": "relu", "name": "relu3"},
        {"type": "dense", "name": "fc2", "units": 10},
        {"type": "softmax", "name": "loss"},
    ]
    input_chw = (1, 28, 28)
    images = read_idx(os.path.join(FASHION, "train-images-idx3-ubyte.gz"))[:2]
    labels = read_idx(os.path.join(FASHION, "train-labels-idx1-ubyte.gz"))[:2].astype(np.int64)
    mean = np.float32(0.2860)
    x = (images.astype(np.float32) * np.float32(1 / 255) - mean).reshape(2, *input_chw).astype(np.float64)
    rng = np.random.default_rng(42)
    params = draw_params(plan(input_chw, layers), rng)
    write_case("lenet_small", "lenet-shaped, widths 4/8/16/10, first 2 Fashion-MNIST training images",
               input_chw, layers, x, labels, params)


def gap_head():
    """A global-average-pooling head: the loss follows a pooling layer directly and sees (n, K, 1, 1);
    max pool straight after a conv, then a ReLU of its own (not fused into the conv)."""
    layers = [
        {"type": "conv", "name": "conv1", "filters": 6, "kernel": 3, "pad": 1},
        {"type": "maxpool", "name": "pool1", "kernel": 2},
        {"type": "relu", "name": "relu1"},
        {"type": "conv", "name": "conv2", "filters": 4, "kernel": 1},
        {"type": "avgpool", "name": "gap", "kernel": [5, 4]},
        {"type": "softmax", "name": "loss"},
    ]
    input_chw = (3, 10, 9)
    rng = np.random.default_rng(20261207)
    params = draw_params(plan(input_chw, layers), rng)
    n = 3
    x = f32(rng.normal(0.0, 1.0, (n,) + input_chw))
    labels = np.array([2, 0, 3])
    write_case("gap_head", "conv 3 pad 1, maxpool 2, relu, conv 1x1 to 4, avgpool over the whole 5x4 map, softmax; "
               "3 random images", input_chw, layers, x, labels, params)


def conv_softmax():
    """A convolution straight into the loss: a kernel as large as its input leaves (n, K, 1, 1)."""
    layers = [
        {"type": "conv", "name": "conv1", "filters": 4, "kernel": 3},
        {"type": "relu", "name": "relu1"},
        {"type": "conv", "name": "conv2", "filters": 3, "kernel": [5, 4]},
        {"type": "softmax", "name": "loss"},
    ]
    input_chw = (2, 7, 6)
    rng = np.random.default_rng(7)
    params = draw_params(plan(input_chw, layers), rng)
    n = 3
    x = f32(rng.normal(0.0, 1.0, (n,) + input_chw))
    labels = np.array([1, 2, 0])
    write_case("conv_softmax", "conv 3, relu, conv [5,4] to 3 classes at 1x1, softmax; 3 random images",
               input_chw, layers, x, labels, params)


if __name__ == "__main__":
    torch.manual_seed(0)
    mixed()
    lenet_small()
    gap_head()
    conv_softmax()
