#!/usr/bin/env python3
"""Synthetic Darknet .weights for a .cfg (needs numpy).

For case studies and benchmarks when trained weights are not at hand: every
[convolutional] layer gets seeded random weights, and with batch_normalize=1
rolling statistics chosen so that its output spreads over its quantized
levels. The statistics come from the weights, not from data: a layer's input
values are taken as uniform over the previous layer's levels (the image's
pixels for the first), the batch-norm mean is the expected pre-activation
E[x]·Σw and its variance Var[x]·Σw² (Darknet's binary=1 weights counted as
Darknet uses them: the sign times the filter's mean absolute weight); scale
and bias then put one standard deviation at two output levels around the
middle level (activation_bits/activation_scale, Docs/darknet.md), so a
quantized layer neither saturates nor goes dark on random inputs.

Usage: scripts/darknet-weights.py NET.cfg OUT.weights [--seed N]
Refuses to overwrite OUT.weights.
"""
import argparse
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from darknet_cfg import parse  # noqa: E402


def uniform_moments(levels, scale):
    """Mean and variance of a value uniform over levels 0..levels-1 times scale."""
    return (levels - 1) / 2 * scale, (levels * levels - 1) / 12 * scale * scale


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("cfg")
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    if os.path.exists(a.out):
        raise SystemExit(f"darknet-weights: {a.out} exists; not overwriting it")
    rng = np.random.default_rng(a.seed)
    with open(a.cfg) as f:
        sections = parse(f.read())
    net = sections[0][1]
    channels = int(net["channels"])
    # Input moments: pixel levels times input_scale, else uniform on [0, 1].
    if "input_bits" in net:
        mean, var = uniform_moments(2 ** int(net["input_bits"]), float(net["input_scale"]))
    else:
        mean, var = 0.5, 1 / 12
    parts = []
    for kind, o in sections[1:]:
        if kind in ("region", "yolo"):
            break  # heads have no parameters
        if kind == "maxpool":
            continue  # a max of uniform levels: the moments are left as they are
        if kind != "convolutional":
            raise SystemExit(f"darknet-weights: no synthetic parameters for [{kind}] (only [convolutional] and [maxpool] layers, and heads after them)")
        n, k, groups = int(o["filters"]), int(o.get("size", 1)), int(o.get("groups", 1))
        fan_in = channels // groups * k * k
        w = rng.uniform(-1, 1, (n, fan_in)).astype(np.float32) / np.float32(np.sqrt(fan_in))
        used = w
        if int(o.get("binary", 0)):
            m = np.abs(w).mean(axis=1, keepdims=True)
            used = np.where(w > 0, m, -m)
        centre = mean * used.sum(axis=1)
        sigma = np.sqrt(np.maximum(var * (used * used).sum(axis=1), 1e-12))
        bits, step = int(o.get("activation_bits", 0)), float(o.get("activation_scale", 0))
        if int(o.get("batch_normalize", 0)):
            target = (2 ** bits - 1) / 2 * step if bits else 0.0
            spread = 2 * step if bits else 1.0
            biases = np.full(n, target, np.float32)
            scales = np.full(n, spread, np.float32)
            parts += [biases, scales, centre.astype(np.float32), (sigma * sigma).astype(np.float32)]
        else:
            parts.append((-centre).astype(np.float32))
        parts.append(w.reshape(-1))
        channels = n
        if bits:
            mean, var = uniform_moments(2 ** bits, step)
    blob = np.concatenate(parts).astype(np.float32).tobytes()
    tmp = a.out + ".partial"
    with open(tmp, "xb") as f:
        f.write(struct.pack("<iiiQ", 0, 2, 0, 0) + blob)
    os.rename(tmp, a.out)
    print(f"{a.out}: {len(blob) // 4} parameters, seed {a.seed}")


if __name__ == "__main__":
    main()
