#!/usr/bin/env python3
"""Train two small *branching* QNNs on MNIST and write them as QONNX test fixtures.

Writes, to Tests/Fixtures/ (or the directory given as the first argument), for
NAME in resnet_w2a2_small and dwsep_w4a4_small:

  NAME.raw.onnx     Brevitas' raw QONNX export (TorchScript exporter, opset 20 +
                    qonnx.custom_op.general version 2)
  NAME.onnx         the same after qonnx's cleanup (qonnx.util.cleanup.cleanup_model),
                    graph input annotated UINT8 in quantization_annotation
  NAME.in.npy       float32 [100, 1, 32, 32]: the first 100 test images, integer
                    pixel values 0..255 carried as float32 (28x28 zero-padded to 32x32)
  NAME.out.npy      float32 [100, 10]: logits from qonnx's execute_onnx on NAME.onnx,
                    one image at a time
  NAME.pred.npy     int64 [100]: argmax of out
  NAME.labels.npy   int64 [100]: true labels
  NAME.json         metadata: op-type counts of the cleaned graph, shapes, training
                    details, accuracies, Brevitas-vs-qonnx agreement

The conventions are those of the existing fixtures (see cnv_w1a1_small.*): the
graph does its own preprocessing (Mul by 2/255, Sub 1, then an 8-bit signed Q1.7
Quant with scale 2^-7, range [-128, 127]), inputs are raw pixels, outputs are
float logits [1, 10], BatchNormalization and float weights behind weight Quant
nodes stay in the cleaned graph.

Models
  resnet_w2a2_small  stem conv3x3 1->16 (pad 1) + BN + QuantReLU;
                     residual block A at 16 ch: conv3x3+BN+QuantReLU, conv3x3+BN,
                       shared QuantIdentity on both Add inputs, Add, QuantReLU;
                     maxpool 2;
                     residual block B 16->32 with a projection shortcut
                       (conv1x1 + BN) and the same structure (its own shared
                       QuantIdentity on both Add inputs);
                     maxpool 2; GlobalAveragePool; fc 32->10 (quantized weights,
                     no bias); float logits.
                     2-bit weights (narrow: {-1,0,1} x scale, per tensor),
                     2-bit activations (QuantReLU: unsigned {0..3} x scale; the
                     shared Add quantizers: signed {-2..1} x scale).
  dwsep_w4a4_small   stem conv3x3 1->16 (pad 1) + BN + QuantReLU;
                     dw-separable block 1: depthwise conv3x3 (groups=16, pad 1)
                       + BN + act, pointwise conv1x1 16->32 + BN + act; maxpool 2;
                     dw-separable block 2: depthwise conv3x3 (groups=32, pad 1)
                       + BN + act, pointwise conv1x1 32->64 + BN + act; maxpool 2;
                     GlobalAveragePool; fc 64->10 (quantized weights, no bias).
                     4-bit weights (narrow, {-7..7} x scale, per tensor),
                     4-bit unsigned activations.

Data: the 5,000-image MNIST subset that mlxtend ships (mlxtend.data.mnist_data(),
read from the installed package, nothing downloaded), split 4,000 train / 1,000
test with sklearn.model_selection.train_test_split(test_size=1000, stratify=y,
random_state=0). Training is deterministic (seeds, one CPU thread). Note: with
mlxtend 0.25.0 and scikit-learn 1.9.1 this split gives the same first 100 test
labels as the older fixtures (cnv_w1a1_small, tfc_*) but different images (those
images fall in this split's training set), so the 100 reference images here are
not the older fixtures' ones.

Environment (Python 3.11, CPU only; these exact versions were used):

  python3.11 -m venv /work/venv-fixtures
  . /work/venv-fixtures/bin/activate
  pip install torch==2.13.0          # the CPU wheel torch-2.13.0+cpu
  pip install brevitas==0.13.4 qonnx==1.0.0 onnx==1.23.2 onnxoptimizer==0.4.2 \\
      onnxruntime==1.32.0 mlxtend==0.25.0 scikit-learn==1.9.1 numpy==2.4.6
  (brevitas' exporter needs onnxoptimizer; qonnx's executor uses onnxruntime)

Run (from the repository root):

  python scripts/train-branching-fixtures.py [OUTPUT_DIR] [--only NAME]

Training: Adam, OneCycleLR, batch 100, cross-entropy, torch.set_num_threads(1).
BatchNorm statistics are recomputed exactly over the training set (dwsep: after
training; resnet: before its last 5 epochs, which then train with BatchNorm
frozen in inference mode, because the 2-bit net's inference accuracy swings
wildly with the lagging running statistics otherwise).

Time (torch.set_num_threads(1), the two models run as two concurrent processes
on a busy 2-core machine): resnet_w2a2_small 534 s training (20 epochs) + 12 s
export and qonnx golden runs; dwsep_w4a4_small 413 s training (15 epochs) +
12 s. The run is deterministic: a second run of dwsep_w4a4_small gave
byte-identical .onnx, .raw.onnx and .npy files.

Results: resnet_w2a2_small 89.0 % Brevitas test accuracy (1,000), 88 % on the
first 100 in qonnx; dwsep_w4a4_small 94.9 %, 95 %. Max |Brevitas - qonnx| logit
difference on the 100: 4.8e-6 and 8.6e-6 (float re-association in BatchNorm and
GlobalAveragePool); predicted labels agree on all 100.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import brevitas.nn as qnn
from brevitas.core.restrict_val import RestrictValueType
from brevitas.core.scaling import ScalingImplType
from brevitas.core.zero_point import ZeroZeroPoint
from brevitas.export import export_qonnx
from brevitas.quant import Int8ActPerTensorFloat
from brevitas.quant import Int8ActPerTensorFloatMinMaxInit
from brevitas.quant import Int8WeightPerTensorFloat
from brevitas.quant import Uint8ActPerTensorFloat

import onnx
from qonnx.core.datatype import DataType
from qonnx.core.modelwrapper import ModelWrapper
from qonnx.core.onnx_exec import execute_onnx
from qonnx.transformation.infer_shapes import InferShapes
from qonnx.util.cleanup import cleanup_model

SEED = 0
N_TRAIN = 4000
N_TEST = 1000
N_GOLDEN = 100

# --------------------------------------------------------------------------- quantizers


class WeightQuant(Int8WeightPerTensorFloat):
    """Per-tensor, narrow signed weights, scale = max |w| / (2^(b-1) - 1) (stats, backpropagated)."""
    scaling_min_val = 2e-16
    bit_width = None


class UintActQuant(Uint8ActPerTensorFloat):
    """Per-tensor unsigned activations, learned scale initialised from runtime statistics."""
    scaling_min_val = 2e-16
    bit_width = None
    restrict_scaling_type = RestrictValueType.LOG_FP
    collect_stats_steps = 40  # one epoch of 4,000 / 100


class IntActQuant(Int8ActPerTensorFloat):
    """Per-tensor signed activations (not narrow), learned scale initialised from runtime statistics."""
    scaling_min_val = 2e-16
    bit_width = None
    restrict_scaling_type = RestrictValueType.LOG_FP
    collect_stats_steps = 40


class InputQuant(Int8ActPerTensorFloatMinMaxInit):
    """FINN's CNV input quantizer: 8-bit signed Q1.7, constant scale 2^-7, range [-128, 127]."""
    scaling_impl_type = ScalingImplType.CONST
    restrict_scaling_type = RestrictValueType.POWER_OF_TWO
    zero_point_impl = ZeroZeroPoint
    bit_width = 8
    min_val = -1.0
    max_val = 1.0 - 2.0 ** (-7)
    narrow_range = False
    signed = True


def preprocess(x):
    # raw pixels 0..255 -> [-1, 1]; exported as Mul(2/255) then Sub(1), as in cnv_w1a1_small
    x = x * (2.0 / 255.0)
    x = x - 1.0
    return x


def qconv(cin, cout, k, wbits, groups=1):
    return qnn.QuantConv2d(
        cin, cout, k, padding=k // 2, groups=groups, bias=False,
        weight_quant=WeightQuant, weight_bit_width=wbits)


def qrelu(abits):
    return qnn.QuantReLU(act_quant=UintActQuant, bit_width=abits)


# --------------------------------------------------------------------------- models


class ResBlock(nn.Module):
    """conv3x3+BN+act, conv3x3+BN, Add with the (projected) block input, act.

    Both inputs of the Add go through the same QuantIdentity instance, so the sum
    is of two quantized tensors on one scale."""

    def __init__(self, cin, cout, wbits, abits):
        super().__init__()
        self.conv1 = qconv(cin, cout, 3, wbits)
        self.bn1 = nn.BatchNorm2d(cout)
        self.act1 = qrelu(abits)
        self.conv2 = qconv(cout, cout, 3, wbits)
        self.bn2 = nn.BatchNorm2d(cout)
        if cin != cout:
            self.proj = qconv(cin, cout, 1, wbits)
            self.proj_bn = nn.BatchNorm2d(cout)
        else:
            self.proj = None
        self.add_quant = qnn.QuantIdentity(act_quant=IntActQuant, bit_width=abits)
        self.act_out = qrelu(abits)

    def forward(self, x):
        y = self.act1(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        s = x if self.proj is None else self.proj_bn(self.proj(x))
        y = self.add_quant(y) + self.add_quant(s)
        return self.act_out(y)


class ResNetSmall(nn.Module):

    def __init__(self, wbits=2, abits=2):
        super().__init__()
        self.inp = qnn.QuantIdentity(act_quant=InputQuant)
        self.conv0 = qconv(1, 16, 3, wbits)
        self.bn0 = nn.BatchNorm2d(16)
        self.act0 = qrelu(abits)
        self.block1 = ResBlock(16, 16, wbits, abits)
        self.pool1 = nn.MaxPool2d(2)
        self.block2 = ResBlock(16, 32, wbits, abits)
        self.pool2 = nn.MaxPool2d(2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = qnn.QuantLinear(32, 10, bias=False, weight_quant=WeightQuant, weight_bit_width=wbits)

    def forward(self, x):
        x = self.inp(preprocess(x))
        x = self.act0(self.bn0(self.conv0(x)))
        x = self.pool1(self.block1(x))
        x = self.pool2(self.block2(x))
        x = self.gap(x)
        x = x.view(x.shape[0], -1)
        return self.fc(x)


class DwSepSmall(nn.Module):

    def __init__(self, wbits=4, abits=4):
        super().__init__()
        self.inp = qnn.QuantIdentity(act_quant=InputQuant)
        layers = [qconv(1, 16, 3, wbits), nn.BatchNorm2d(16), qrelu(abits)]
        for cin, cout in ((16, 32), (32, 64)):
            layers += [
                qconv(cin, cin, 3, wbits, groups=cin), nn.BatchNorm2d(cin), qrelu(abits),
                qconv(cin, cout, 1, wbits), nn.BatchNorm2d(cout), qrelu(abits),
                nn.MaxPool2d(2)]
        self.features = nn.Sequential(*layers)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = qnn.QuantLinear(64, 10, bias=False, weight_quant=WeightQuant, weight_bit_width=wbits)

    def forward(self, x):
        x = self.features(self.inp(preprocess(x)))
        x = self.gap(x)
        x = x.view(x.shape[0], -1)
        return self.fc(x)


MODELS = {
    "resnet_w2a2_small": dict(
        cls=ResNetSmall, wbits=2, abits=2, epochs=20, lr=0.005, freeze_bn_epochs=5,
        description=(
            "Small ResNet on MNIST zero-padded to 1x32x32: conv3x3 16 + BN + act; residual block "
            "16 (conv3x3+BN+act, conv3x3+BN, Add identity, act); maxpool; residual block 16->32 with "
            "conv1x1+BN projection shortcut; maxpool; GlobalAveragePool; fc10 (no bias). 2-bit narrow "
            "signed per-tensor weights ({-1,0,1}), 2-bit unsigned QuantReLU activations, both Add inputs "
            "through one shared signed 2-bit QuantIdentity per block, 8-bit Q1.7 input")),
    "dwsep_w4a4_small": dict(
        cls=DwSepSmall, wbits=4, abits=4, epochs=15, lr=0.01,
        description=(
            "Small depthwise-separable CNN on MNIST zero-padded to 1x32x32: conv3x3 16 + BN + act; "
            "[dw conv3x3 (groups=C) + BN + act, pw conv1x1 + BN + act, maxpool] x2 (16->32, 32->64); "
            "GlobalAveragePool; fc10 (no bias). 4-bit narrow signed per-tensor weights, 4-bit unsigned "
            "activations, 8-bit Q1.7 input")),
}

# --------------------------------------------------------------------------- data


def load_data():
    from mlxtend.data import mnist_data
    from sklearn.model_selection import train_test_split
    X, y = mnist_data()  # (5000, 784) float64 0..255, labels int64
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=N_TEST, stratify=y, random_state=SEED)
    assert len(X_tr) == N_TRAIN and len(X_te) == N_TEST

    def img(a):
        a = a.reshape(-1, 1, 28, 28)
        return np.pad(a, ((0, 0), (0, 0), (2, 2), (2, 2))).astype(np.float32)

    return img(X_tr), y_tr.astype(np.int64), img(X_te), y_te.astype(np.int64)


# --------------------------------------------------------------------------- train / eval


def evaluate(model, X, y, bs=200):
    model.eval()
    outs = []
    with torch.no_grad():
        for i in range(0, len(X), bs):
            outs.append(model(torch.from_numpy(X[i:i + bs])))
    logits = torch.cat(outs).numpy()
    return logits, float((logits.argmax(1) == y).mean())


def train(model, X, y, X_te, y_te, epochs, lr, freeze_bn_epochs=0, bs=100):
    g = torch.Generator().manual_seed(SEED)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * (len(X) // bs)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.15)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    for ep in range(epochs):
        if freeze_bn_epochs and ep == epochs - freeze_bn_epochs:
            # exact statistics, then train the last epochs through them as inference sees them
            recalibrate_bn(model, Xt)
        model.train()
        if freeze_bn_epochs and ep >= epochs - freeze_bn_epochs:
            for m in bns:
                m.eval()
        perm = torch.randperm(len(X), generator=g)
        tot, correct, n = 0.0, 0, 0
        for i in range(0, len(X) - bs + 1, bs):
            idx = perm[i:i + bs]
            xb, yb = Xt[idx], yt[idx]
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item() * len(idx)
            correct += int((out.argmax(1) == yb).sum())
            n += len(idx)
        _, acc = evaluate(model, X_te, y_te)
        print(f"  epoch {ep + 1:2d}/{epochs}: loss {tot / n:.4f} train acc {correct / n:.4f} "
              f"test acc {acc:.4f}", flush=True)
    if not freeze_bn_epochs:
        recalibrate_bn(model, Xt)
    model.eval()
    return model


def recalibrate_bn(model, Xt, bs=100):
    """Replace the BatchNorm running statistics (an exponential average that lags the
    quantized weights) by exact averages over the training set for the final weights.
    The activation quantizers' scales are parameters by now, so a train-mode forward
    pass without an optimizer step changes nothing else."""
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None  # cumulative average
    model.train()
    with torch.no_grad():
        for i in range(0, len(Xt), bs):
            model(Xt[i:i + bs])
    model.eval()


def op_type_counts(model):
    counts = {}
    for n in model.graph.node:
        key = n.op_type
        if n.op_type == "Conv":
            group = next((a.i for a in n.attribute if a.name == "group"), 1)
            key = f"Conv(group={group})" if group != 1 else "Conv"
        counts[key] = counts.get(key, 0) + 1
    return counts


def run_qonnx(model, x):
    iname = model.graph.input[0].name
    oname = model.graph.output[0].name
    return execute_onnx(model, {iname: x})[oname]


def build(name, out_dir, data):
    cfg = MODELS[name]
    X_tr, y_tr, X_te, y_te = data
    print(f"== {name}", flush=True)
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    model = cfg["cls"](cfg["wbits"], cfg["abits"])
    n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print(f"  trainable parameters: {n_params}", flush=True)

    t0 = time.time()
    train(model, X_tr, y_tr, X_te, y_te, cfg["epochs"], cfg["lr"], cfg.get("freeze_bn_epochs", 0))
    train_seconds = time.time() - t0
    _, test_acc = evaluate(model, X_te, y_te)
    print(f"  brevitas test accuracy ({N_TEST}): {test_acc:.4f}, trained in {train_seconds:.1f} s",
          flush=True)

    t0 = time.time()
    x_in = X_te[:N_GOLDEN]
    labels = y_te[:N_GOLDEN]
    torch_logits, torch_acc_100 = evaluate(model, x_in, labels)

    raw_path = os.path.join(out_dir, f"{name}.raw.onnx")
    clean_path = os.path.join(out_dir, f"{name}.onnx")
    export_qonnx(model, args=torch.from_numpy(x_in[:1]), export_path=raw_path,
                 dynamo=False, opset_version=20)
    clean = cleanup_model(ModelWrapper(raw_path))
    iname = clean.graph.input[0].name
    clean.set_tensor_datatype(iname, DataType["UINT8"])
    clean.save(clean_path)
    clean = ModelWrapper(clean_path)

    t1 = time.time()
    out = np.stack([run_qonnx(clean, x_in[i:i + 1])[0] for i in range(N_GOLDEN)]).astype(np.float32)
    qonnx_exec_seconds = time.time() - t1
    pred = out.argmax(1).astype(np.int64)

    raw = ModelWrapper(raw_path).transform(InferShapes())
    raw_out = np.stack([run_qonnx(raw, x_in[i:i + 1])[0] for i in range(10)])
    raw_vs_clean = float(np.abs(raw_out - out[:10]).max())
    export_golden_seconds = time.time() - t0

    np.save(os.path.join(out_dir, f"{name}.in.npy"), x_in.astype(np.float32))
    np.save(os.path.join(out_dir, f"{name}.out.npy"), out)
    np.save(os.path.join(out_dir, f"{name}.pred.npy"), pred)
    np.save(os.path.join(out_dir, f"{name}.labels.npy"), labels.astype(np.int64))

    diff = float(np.abs(out - torch_logits).max())
    shape = lambda m, t: [d.dim_value for d in t.type.tensor_type.shape.dim]  # noqa: E731
    meta = {
        "description": cfg["description"],
        "script": "scripts/train-branching-fixtures.py",
        "dataset": "mlxtend.data.mnist_data()",
        "data_file": None,
        "split": f"sklearn train_test_split(test_size={N_TEST}, stratify=y, random_state={SEED})",
        "n_train": N_TRAIN,
        "n_test": N_TEST,
        "epochs": cfg["epochs"],
        "lr": cfg["lr"],
        "optimizer": "Adam, OneCycleLR, batch 100, cross-entropy",
        "batchnorm": (f"statistics recomputed over the training set, then frozen for the last "
                      f"{cfg['freeze_bn_epochs']} epochs" if cfg.get("freeze_bn_epochs") else
                      "statistics recomputed over the training set after training"),
        "weight_bits": cfg["wbits"],
        "act_bits": cfg["abits"],
        "trainable_params": n_params,
        "train_seconds": round(train_seconds, 1),
        "brevitas_test_acc": test_acc,
        "exporter": "torchscript",
        "input_name": clean.graph.input[0].name,
        "output_name": clean.graph.output[0].name,
        "input_shape": shape(clean, clean.graph.input[0]),
        "output_shape": shape(clean, clean.graph.output[0]),
        "input_datatype": "UINT8 (integer pixel values carried as float32)",
        "cleaned_op_types": op_type_counts(clean),
        "qonnx_acc_100": float((pred == labels).mean()),
        "torch_acc_100": torch_acc_100,
        "qonnx_vs_torch_max_abs_diff": diff,
        "qonnx_vs_torch_argmax_agree": float((pred == torch_logits.argmax(1)).mean()),
        "raw_vs_clean_max_abs_diff_10": raw_vs_clean,
        "qonnx_exec_seconds_100": round(qonnx_exec_seconds, 2),
        "raw_onnx_bytes": os.path.getsize(raw_path),
        "onnx_bytes": os.path.getsize(clean_path),
        "export_golden_seconds": round(export_golden_seconds, 1),
        "versions": {
            "torch": torch.__version__,
            "brevitas": __import__("brevitas").__version__,
            "qonnx": __import__("importlib.metadata").metadata.version("qonnx"),
            "onnx": onnx.__version__,
        },
    }
    with open(os.path.join(out_dir, f"{name}.json"), "w") as f:
        json.dump(meta, f, indent=2)
    print(f"  qonnx acc (100) {meta['qonnx_acc_100']}, torch acc (100) {torch_acc_100}, "
          f"max |brevitas - qonnx| {diff:.3g}, raw vs clean {raw_vs_clean:.3g}", flush=True)
    print(f"  op types: {meta['cleaned_op_types']}", flush=True)
    return meta


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir", nargs="?", default=os.path.join(here, "..", "Tests", "Fixtures"))
    ap.add_argument("--only", choices=sorted(MODELS), action="append")
    ap.add_argument("--epochs", type=int, help="override the epoch count (quick checks only)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out_dir, exist_ok=True)
    data = load_data()
    for name in args.only or list(MODELS):
        if args.epochs:
            MODELS[name]["epochs"] = args.epochs
        build(name, args.out_dir, data)


if __name__ == "__main__":
    sys.exit(main())
