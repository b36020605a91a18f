#!/usr/bin/env python3
"""Darknet reference fixtures for Finch's Darknet frontend (issue 16).

Writes tiny Darknet networks (.cfg; float, quantized, YOLO heads), random parameters in Darknet's .weights
format, inputs and the outputs of an independent NumPy implementation of
Darknet's forward pass (float32, Darknet's formulas: batch norm divides by
sqrt(var) + 1e-6, binary weights are the sign times each filter's mean
absolute weight with 0 taken as negative, max-pool pads by padding/2 before
and never picks a value outside the image) to Tests/Fixtures/darknet/.
Finch's own keys (input_bits/input_scale, weight_bits, activation_bits/
activation_scale; Docs/darknet.md) are applied as QONNX Quant does: round
half to even, clip to the type's range; with input_bits the inputs written
are pixel levels k (the image is k * input_scale), as the imported graph takes.

Usage: scripts/darknet-reference.py [OUTPUT_DIR]   (needs numpy)
"""
import os
import struct
import sys

import numpy as np

FLOAT_NET = """[net]
batch=64
width=10
height=12
channels=3

[convolutional]
filters=8
size=3
stride=1
pad=1
batch_normalize=1
activation=relu

[convolutional]
filters=8
size=3
stride=2
pad=1
activation=leaky

[maxpool]
size=2
stride=2

[convolutional]
filters=8
size=1
groups=2
batch_normalize=1
activation=logistic

[maxpool]
size=2
stride=1

[shortcut]
from=-3
activation=linear

[route]
layers=-1,-3

[convolutional]
filters=10
size=3
stride=1
activation=linear

[avgpool]

[softmax]
groups=1
"""

# Tinier-YOLO's layer kinds at toy size: an 8-bit input, a first layer with
# 8-bit weights, binary-weight layers with 3-bit ReLU activations (and one
# with signed 4-bit leaky ones), max-pool 2/2 and 2/1, a linear 1x1 output layer.
QUANT_NET = """[net]
width=16
height=16
channels=3
input_bits=8
input_scale=0.00392156862745098

[convolutional]
filters=8
size=3
stride=2
pad=1
batch_normalize=1
activation=relu
weight_bits=8
activation_bits=3
activation_scale=0.5

[convolutional]
filters=16
size=3
stride=1
pad=1
batch_normalize=1
binary=1
activation=relu
activation_bits=3
activation_scale=0.5

[maxpool]
size=2
stride=2

[convolutional]
filters=16
size=3
stride=1
pad=1
batch_normalize=1
binary=1
activation=leaky
activation_bits=4
activation_scale=0.25

[maxpool]
size=2
stride=1

[convolutional]
filters=12
size=1
stride=1
activation=linear
"""


# YOLO heads: a YOLOv2 [region] (softmax classes) and, from a routed earlier
# layer upsampled 2x, a YOLOv3 [yolo] (logistic classes, masked anchors); both
# are outputs.
YOLO_NET = """[net]
width=16
height=16
channels=3

[convolutional]
filters=8
size=3
stride=1
pad=1
batch_normalize=1
activation=leaky

[maxpool]
size=2
stride=2

[convolutional]
filters=14
size=1
activation=linear

[region]
anchors=1.08,1.19,3.42,4.41
classes=2
coords=4
num=2
softmax=1
jitter=.2

[route]
layers=-3

[upsample]
stride=2

[convolutional]
filters=21
size=1
activation=linear

[yolo]
mask=0,1,2
anchors=10,14,23,27,37,58
classes=2
num=3
ignore_thresh=.7
"""


def parse(cfg):
    sections = []
    for line in cfg.splitlines():
        line = "".join(line.split())
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            sections.append((line[1:-1], {}))
        else:
            k, v = line.split("=", 1)
            sections[-1][1][k] = v
    return sections


def quant(x, scale, bits, signed, narrow=False):
    if signed:
        lo, hi = -(2 ** (bits - 1)) + (1 if narrow else 0), 2 ** (bits - 1) - 1
    else:
        lo, hi = 0, 2**bits - 1
    return (np.clip(np.round(x / scale), lo, hi) * scale).astype(np.float32)


def conv2d(x, w, stride, pad, groups):
    c, h, wd = x.shape
    n, cg, k, _ = w.shape
    xp = np.zeros((c, h + 2 * pad, wd + 2 * pad), np.float32)
    xp[:, pad:pad + h, pad:pad + wd] = x
    oh, ow = (h + 2 * pad - k) // stride + 1, (wd + 2 * pad - k) // stride + 1
    out = np.zeros((n, oh, ow), np.float32)
    ng = n // groups
    for f in range(n):
        g = f // ng
        for i in range(oh):
            for j in range(ow):
                patch = xp[g * cg:(g + 1) * cg, i * stride:i * stride + k, j * stride:j * stride + k]
                out[f, i, j] = np.float32(np.sum(patch.astype(np.float64) * w[f].astype(np.float64)))
    return out


def maxpool(x, size, stride, padding):
    c, h, w = x.shape
    oh, ow = (h + padding - size) // stride + 1, (w + padding - size) // stride + 1
    off = -(padding // 2)
    out = np.full((c, oh, ow), -np.inf, np.float32)
    for i in range(oh):
        for j in range(ow):
            for n in range(size):
                for m in range(size):
                    y, z = off + i * stride + n, off + j * stride + m
                    if 0 <= y < h and 0 <= z < w:
                        out[:, i, j] = np.maximum(out[:, i, j], x[:, y, z])
    return out


def forward(sections, blob, x):
    """Runs the network on x (C,H,W) reading parameters from blob; returns output and bytes used."""
    net = sections[0][1]
    pos = 0

    def take(count):
        nonlocal pos
        v = np.frombuffer(blob, np.float32, count, pos).copy()
        pos += 4 * count
        return v

    if "input_bits" in net:
        # The network's input is each pixel's level k; the image is k * input_scale.
        x = (x * np.float32(float(net["input_scale"]))).astype(np.float32)
    outputs, heads = [], []
    for kind, o in sections[1:]:
        if kind == "convolutional":
            n, k = int(o["filters"]), int(o.get("size", 1))
            stride, groups = int(o.get("stride", 1)), int(o.get("groups", 1))
            pad = k // 2 if int(o.get("pad", 0)) else int(o.get("padding", 0))
            bn = int(o.get("batch_normalize", 0))
            c = x.shape[0]
            biases = take(n)
            if bn:
                scales, mean, var = take(n), take(n), take(n)
            w = take(n * c // groups * k * k).reshape(n, c // groups, k, k)
            if int(o.get("binary", 0)):
                m = np.abs(w).reshape(n, -1).mean(axis=1, dtype=np.float32).astype(np.float32)
                w = np.where(w > 0, m[:, None, None, None], -m[:, None, None, None]).astype(np.float32)
            elif "weight_bits" in o:
                bits = int(o["weight_bits"])
                s = (np.abs(w).reshape(n, -1).max(axis=1) / np.float32(2 ** (bits - 1) - 1)).astype(np.float32)
                w = quant(w, s[:, None, None, None], bits, True, narrow=True)
            x = conv2d(x, w, stride, pad, groups)
            if bn:
                x = (x - mean[:, None, None]) / (np.sqrt(var)[:, None, None] + np.float32(0.000001))
                x = x * scales[:, None, None] + biases[:, None, None]
            else:
                x = x + biases[:, None, None]
            act = o.get("activation", "logistic")
            if act == "relu":
                x = np.maximum(x, 0)
            elif act == "leaky":
                x = np.where(x > 0, x, np.float32(0.1) * x).astype(np.float32)
            elif act == "logistic":
                x = (1 / (1 + np.exp(-x.astype(np.float64)))).astype(np.float32)
            if "activation_bits" in o:
                x = quant(x, np.float32(float(o["activation_scale"])), int(o["activation_bits"]), act not in ("relu", "logistic"))
        elif kind == "maxpool":
            stride = int(o.get("stride", 1))
            size = int(o.get("size", stride))
            x = maxpool(x, size, stride, int(o.get("padding", size - 1)))
        elif kind == "avgpool":
            x = x.mean(axis=(1, 2), keepdims=True, dtype=np.float64).astype(np.float32)
        elif kind == "softmax":
            v = x.reshape(-1).astype(np.float64)
            e = np.exp(v - v.max())
            x = (e / e.sum()).astype(np.float32).reshape(-1, 1, 1)
        elif kind == "shortcut":
            i = int(o["from"])
            x = x + outputs[len(outputs) + i if i < 0 else i]
        elif kind in ("region", "yolo"):
            classes = int(o["classes"])
            anchors = len(o["mask"].split(",")) if "mask" in o else int(o["num"])
            y = x.reshape(anchors, 5 + classes, x.shape[1], x.shape[2]).astype(np.float64)
            logistic = lambda v: 1 / (1 + np.exp(-v))
            y[:, 0:2] = logistic(y[:, 0:2])
            y[:, 4] = logistic(y[:, 4])
            if kind == "region":
                e = np.exp(y[:, 5:] - y[:, 5:].max(axis=1, keepdims=True))
                y[:, 5:] = e / e.sum(axis=1, keepdims=True)
            else:
                y[:, 5:] = logistic(y[:, 5:])
            x = y.astype(np.float32).reshape(x.shape)
            heads.append(x)
        elif kind == "upsample":
            s = int(o.get("stride", 2))
            x = np.repeat(np.repeat(x, s, axis=1), s, axis=2)
        elif kind == "route":
            idx = [int(v) for v in o["layers"].split(",")]
            x = np.concatenate([outputs[len(outputs) + i if i < 0 else i] for i in idx], axis=0)
        else:
            raise SystemExit(f"reference: no layer {kind}")
        x = x.astype(np.float32)
        outputs.append(x)
    # Every [region]/[yolo] output, flattened and joined, else the last layer's.
    return (np.concatenate([h.reshape(-1) for h in heads]) if heads else x), pos


def parameters(sections, rng):
    """Random parameters in load order: biases, [scales, means, variances], weights."""
    c = int(sections[0][1]["channels"])
    chans, parts = [], []
    for kind, o in sections[1:]:
        if kind == "convolutional":
            n, k, groups = int(o["filters"]), int(o.get("size", 1)), int(o.get("groups", 1))
            parts.append(rng.uniform(-0.5, 0.5, n))
            if int(o.get("batch_normalize", 0)):
                parts += [rng.uniform(0.5, 1.5, n), rng.uniform(-1, 1, n), rng.uniform(0.2, 2.0, n)]
            parts.append(rng.uniform(-1, 1, n * c // groups * k * k) / np.sqrt(c // groups * k * k))
            c = n
        elif kind == "route":
            c = sum(chans[len(chans) + int(i) if int(i) < 0 else int(i)] for i in o["layers"].split(","))
        chans.append(c)
    return np.concatenate(parts).astype(np.float32)


def write_npy(path, array):
    np.save(path, array.astype(np.float32))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "darknet")
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(16)
    for name, cfg, samples in [("tiny_float", FLOAT_NET, 3), ("tiny_quant", QUANT_NET, 3), ("tiny_yolo", YOLO_NET, 2)]:
        sections = parse(cfg)
        params = parameters(sections, rng)
        blob = params.tobytes()
        with open(os.path.join(out, name + ".cfg"), "w") as f:
            f.write(cfg)
        with open(os.path.join(out, name + ".weights"), "wb") as f:
            f.write(struct.pack("<iiiQ", 0, 2, 5, 32013312) + blob)
        net = sections[0][1]
        shape = (int(net["channels"]), int(net["height"]), int(net["width"]))
        if "input_bits" in net:
            xs = rng.integers(0, 2 ** int(net["input_bits"]), (samples,) + shape).astype(np.float32)
        else:
            xs = rng.uniform(0, 1, (samples,) + shape).astype(np.float32)
        ys = []
        for x in xs:
            y, used = forward(sections, blob, x)
            assert used == len(blob), (used, len(blob))
            ys.append(y)
        write_npy(os.path.join(out, name + ".in.npy"), xs)
        write_npy(os.path.join(out, name + ".out.npy"), np.stack(ys))
        print(f"{name}: {len(sections) - 1} layers, {params.size} parameters, output {ys[0].shape}")


if __name__ == "__main__":
    main()
