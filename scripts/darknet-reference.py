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

Also a detector (tiny_detect): a PNG and a JPEG picture, Darknet's letterboxed
input of it, and the boxes Darknet's decoding, letterbox correction and
non-maximum suppression give (what `finch detect` must print).

Usage: scripts/darknet-reference.py [OUTPUT_DIR]   (needs numpy; Pillow for the JPEG)
"""
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from darknet_cfg import parse  # noqa: E402

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


# A quantized network that branches (issue 17): a [shortcut] of two layers
# quantized alike (a residual sum) feeding a strided layer, then a [route] of
# two 3-bit layers of one scale (a concatenation along channels).
BRANCH_NET = """[net]
width=12
height=12
channels=3
input_bits=8
input_scale=0.00392156862745098

[convolutional]
filters=8
size=3
stride=1
pad=1
batch_normalize=1
activation=relu
weight_bits=4
activation_bits=3
activation_scale=0.5

[convolutional]
filters=8
size=3
stride=1
pad=1
batch_normalize=1
activation=relu
weight_bits=4
activation_bits=3
activation_scale=0.5

[shortcut]
from=-2
activation=linear

[convolutional]
filters=8
size=3
stride=2
pad=1
batch_normalize=1
activation=relu
weight_bits=4
activation_bits=3
activation_scale=0.5

[convolutional]
filters=4
size=3
stride=1
pad=1
batch_normalize=1
activation=relu
weight_bits=4
activation_bits=3
activation_scale=0.5

[route]
layers=-2

[convolutional]
filters=4
size=1
stride=1
batch_normalize=1
activation=relu
weight_bits=4
activation_bits=3
activation_scale=0.5

[route]
layers=-1,-3

[convolutional]
filters=6
size=1
stride=1
activation=linear
weight_bits=4
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

# A quantized detector for `finch detect`: 8-bit pixel levels, a region head
# (YOLOv2) and a yolo head (YOLOv3) on an upsampled route.
DETECT_NET = """[net]
width=32
height=32
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
activation=relu
activation_bits=3
activation_scale=0.5

[convolutional]
filters=16
size=1
activation=linear

[region]
anchors=1.08,1.19,3.42,4.41
classes=3
coords=4
num=2
softmax=1

[route]
layers=-3

[upsample]
stride=2

[convolutional]
filters=24
size=1
activation=linear

[yolo]
mask=1,2,3
anchors=4,6,8,9,12,14,20,17
classes=3
num=4
"""

# xnor=1 layers (binary inputs and weights) after quantized and float layers.
XNOR_NET = """[net]
width=12
height=12
channels=3
input_bits=8
input_scale=0.00392156862745098

[convolutional]
filters=8
size=3
stride=1
pad=1
batch_normalize=1
activation=leaky
weight_bits=8
activation_bits=4
activation_scale=0.25

[convolutional]
filters=16
size=3
stride=2
pad=1
batch_normalize=1
xnor=1
activation=relu
activation_bits=2
activation_scale=0.5

[maxpool]
size=2
stride=2

[convolutional]
filters=10
size=3
stride=1
pad=1
xnor=1
activation=linear
"""


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
            if int(o.get("xnor", 0)):
                # Darknet's binarize_cpu on the input (the CPU's > 0; its GPU kernel uses >= 0), binary weights.
                x = np.where(x > 0, np.float32(1), np.float32(-1)).astype(np.float32)
            if int(o.get("binary", 0)) or int(o.get("xnor", 0)):
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
    forward.heads = heads
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


def resize(im, w, h):
    """Darknet's resize_image (float32): bilinear along rows, then along columns."""
    c, ih, iw = im.shape
    ws = np.float32(iw - 1) / np.float32(w - 1) if w > 1 else np.float32(0)
    hs = np.float32(ih - 1) / np.float32(h - 1) if h > 1 else np.float32(0)
    part = np.zeros((c, ih, w), np.float32)
    for x in range(w):
        if x == w - 1 or iw == 1:
            part[:, :, x] = im[:, :, iw - 1]
        else:
            sx = np.float32(x) * ws
            ix = int(sx)
            dx = np.float32(sx - np.float32(ix))
            part[:, :, x] = (np.float32(1) - dx) * im[:, :, ix] + dx * im[:, :, ix + 1]
    out = np.zeros((c, h, w), np.float32)
    for r in range(h):
        sy = np.float32(r) * hs
        iy = int(sy)
        dy = np.float32(sy - np.float32(iy))
        out[:, r, :] = (np.float32(1) - dy) * part[:, iy, :]
        if r == h - 1 or ih == 1:
            continue
        out[:, r, :] += dy * part[:, iy + 1, :]
    return out


def letterbox_size(iw, ih, w, h):
    if np.float32(w) / np.float32(iw) < np.float32(h) / np.float32(ih):
        return w, ih * w // iw
    return iw * h // ih, h


def letterbox(im, w, h):
    """Darknet's letterbox_image: resized keeping the aspect ratio, centred on 0.5."""
    nw, nh = letterbox_size(im.shape[2], im.shape[1], w, h)
    out = np.full((im.shape[0], h, w), 0.5, np.float32)
    out[:, (h - nh) // 2:(h - nh) // 2 + nh, (w - nw) // 2:(w - nw) // 2 + nw] = resize(im, nw, nh)
    return out


def iou(a, b):
    def overlap(x1, w1, x2, w2):
        return min(x1 + w1 / 2, x2 + w2 / 2) - max(x1 - w1 / 2, x2 - w2 / 2)
    w, h = overlap(a[0], a[2], b[0], b[2]), overlap(a[1], a[3], b[1], b[3])
    inter = 0.0 if w < 0 or h < 0 else w * h
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def detect(sections, heads, iw, ih, thresh, nms):
    """Darknet's get_region/yolo_detections, correct_*_boxes and do_nms_sort, then every class above thresh."""
    net = sections[0][1]
    nw_, nh_ = int(net["width"]), int(net["height"])
    dets = []
    for (kind, o), y in zip([s for s in sections if s[0] in ("region", "yolo")], heads):
        classes, num = int(o["classes"]), int(o.get("num", 1))
        anchors = [float(v) for v in o["anchors"].split(",")] if "anchors" in o else [0.5] * (2 * num)
        used = [int(v) for v in o["mask"].split(",")] if kind == "yolo" and "mask" in o else list(range(num))
        _, gh, gw = y.shape
        y = y.reshape(len(used), 5 + classes, gh, gw)
        for n, a in enumerate(used):
            for r in range(gh):
                for c in range(gw):
                    e = y[n, :, r, c].astype(np.float32)
                    obj = e[4]
                    if kind == "yolo" and obj <= np.float32(thresh):
                        continue
                    sw, sh = (gw, gh) if kind == "region" else (nw_, nh_)
                    f = np.float32
                    box = [(f(c) + e[0]) / f(gw), (f(r) + e[1]) / f(gh),
                           f(np.exp(e[2])) * f(anchors[2 * a]) / f(sw), f(np.exp(e[3])) * f(anchors[2 * a + 1]) / f(sh)]
                    probs = [obj * e[5 + k] for k in range(classes)]
                    dets.append([box, obj, [p if p > f(thresh) else f(0) for p in probs]])
    # Boxes back to the image (float32, as Finch computes them).
    f = np.float32
    iw_, ih_ = letterbox_size(iw, ih, nw_, nh_)
    sx, sy = f(iw_) / f(nw_), f(ih_) / f(nh_)
    for d in dets:
        b = d[0]
        b[0] = (b[0] - f(nw_ - iw_) / f(2) / f(nw_)) / sx
        b[1] = (b[1] - f(nh_ - ih_) / f(2) / f(nh_)) / sy
        b[2] = b[2] / sx
        b[3] = b[3] / sy
    live = [i for i, d in enumerate(dets) if d[1] != 0]
    for k in range(len(dets[0][2]) if dets else 0):
        order = sorted(live, key=lambda i: (-dets[i][2][k], i))
        for ii, i in enumerate(order):
            if dets[i][2][k] == 0:
                continue
            for j in order[ii + 1:]:
                if iou(dets[i][0], dets[j][0]) > nms:
                    dets[j][2][k] = 0.0
    out = []
    for i, d in enumerate(dets):
        for k, p in enumerate(d[2]):
            if p > np.float32(thresh):
                out.append((-p, k, i, {"class": k, "confidence": float(p), "box": {n: float(v) for n, v in zip("xywh", d[0])}}))
    return [o[3] for o in sorted(out, key=lambda o: o[:3])]


def write_png(path, rgb):
    """An 8-bit RGB PNG (H x W x 3), written with zlib alone."""
    import zlib
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[r].tobytes() for r in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def write_detect_fixture(out, rng):
    """tiny_detect: a quantized detector, a 40x28 PNG (and the same picture as a JPEG
    with Pillow's decoding of it, when Pillow is installed), its letterboxed input
    levels and the detections at threshold 0.3, nms 0.45."""
    import json
    sections = parse(DETECT_NET)
    params = parameters(sections, rng)
    blob = params.tobytes()
    with open(os.path.join(out, "tiny_detect.cfg"), "w") as f:
        f.write(DETECT_NET)
    with open(os.path.join(out, "tiny_detect.weights"), "wb") as f:
        f.write(struct.pack("<iiiQ", 0, 2, 5, 32013312) + blob)
    yy, xx = np.mgrid[0:28, 0:40]
    rgb = np.stack([(xx * 6) % 256, (yy * 9) % 256, rng.integers(0, 256, (28, 40))], axis=2).astype(np.uint8)
    write_png(os.path.join(out, "tiny_detect.png"), rgb)
    try:
        from PIL import Image
        Image.fromarray(rgb).save(os.path.join(out, "tiny_detect.jpg"), quality=90)
        decoded = np.asarray(Image.open(os.path.join(out, "tiny_detect.jpg")).convert("RGB"))
        np.save(os.path.join(out, "tiny_detect.jpg.npy"), decoded.astype(np.float32))
    except ImportError:
        print("tiny_detect: Pillow not installed; the JPEG fixture is left as it is")
    im = (rgb.transpose(2, 0, 1).astype(np.float32) / np.float32(255)).astype(np.float32)
    net = sections[0][1]
    boxed = letterbox(im, int(net["width"]), int(net["height"]))
    levels = np.clip(np.round(boxed / np.float32(float(net["input_scale"]))), 0, 255).astype(np.float32)
    _, used = forward(sections, blob, levels)
    assert used == len(blob), (used, len(blob))
    heads = forward.heads
    np.save(os.path.join(out, "tiny_detect.in.npy"), levels[None])
    result = {"threshold": 0.3, "nms": 0.45, "width": 40, "height": 28,
              "detections": detect(sections, heads, 40, 28, 0.3, 0.45)}
    with open(os.path.join(out, "tiny_detect.detections.json"), "w") as f:
        json.dump(result, f, indent=1)
    print(f"tiny_detect: {len(result['detections'])} detections")


def write_npy(path, array):
    np.save(path, array.astype(np.float32))


def write_network(out, name, cfg, samples, rng):
    """Writes NAME.cfg, random .weights, inputs and the reference's outputs."""
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


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "darknet")
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(16)
    for name, cfg, samples in [("tiny_float", FLOAT_NET, 3), ("tiny_quant", QUANT_NET, 3), ("tiny_yolo", YOLO_NET, 2)]:
        write_network(out, name, cfg, samples, rng)
    write_detect_fixture(out, rng)
    # Appended last, in this order, so that the fixtures above keep their random draws.
    write_network(out, "tiny_xnor", XNOR_NET, 3, rng)
    write_network(out, "tiny_branch", BRANCH_NET, 3, rng)


if __name__ == "__main__":
    main()
