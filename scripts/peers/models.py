"""The eight wattbench workloads' architectures in PyTorch, built from the
committed Burn records (suites/weights/*.mpk, Burn's named MessagePack).

Each builder mirrors the Burn model in suites/src/<workload>/model.rs: same
layers, same order of operations, same padding rules. Burn stores a Linear's
weight as [in, out] (PyTorch: [out, in]); convolutions, transposed
convolutions and norms use PyTorch's layouts already.
"""

import msgpack
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def load_record(path):
    """The `item` tree of a Burn NamedMpk record, with every parameter as a torch tensor."""
    with open(path, "rb") as f:
        record = msgpack.unpackb(f.read(), raw=False)

    def convert(node):
        if isinstance(node, dict):
            if "param" in node and "id" in node:
                p = node["param"]
                if p["dtype"] != "F32":
                    raise ValueError(f"{path}: parameter {node['id']} is {p['dtype']}, expected F32")
                a = np.frombuffer(bytes(p["bytes"]), dtype="<f4").reshape(p["shape"])
                return torch.from_numpy(a.copy())
            return {k: convert(v) for k, v in node.items()}
        if isinstance(node, list):
            return [convert(v) for v in node]
        return node

    return convert(record["item"])


def linear(rec):
    w = rec["weight"]
    lin = nn.Linear(w.shape[0], w.shape[1], bias=rec.get("bias") is not None)
    with torch.no_grad():
        lin.weight.copy_(w.t())
        if rec.get("bias") is not None:
            lin.bias.copy_(rec["bias"])
    return lin


def set_conv(conv, rec):
    with torch.no_grad():
        conv.weight.copy_(rec["weight"])
        if rec.get("bias") is not None:
            conv.bias.copy_(rec["bias"])
    return conv


# ---------------------------------------------------------------- load-forecast
class LoadForecaster(nn.Module):
    """Stacked LSTMs, a linear head on the last hidden state. [b, steps, features] -> [b, horizon]."""

    def __init__(self, rec):
        super().__init__()
        layers = rec["lstms"]
        d_in = layers[0]["input_gate"]["input_transform"]["weight"].shape[0]
        hidden = layers[0]["input_gate"]["input_transform"]["weight"].shape[1]
        self.lstm = nn.LSTM(d_in, hidden, len(layers), batch_first=True)
        with torch.no_grad():
            for i, layer in enumerate(layers):
                # PyTorch's gate order: input, forget, cell (g), output.
                gates = [layer[g] for g in ("input_gate", "forget_gate", "cell_gate", "output_gate")]
                getattr(self.lstm, f"weight_ih_l{i}").copy_(torch.cat([g["input_transform"]["weight"].t() for g in gates]))
                getattr(self.lstm, f"weight_hh_l{i}").copy_(torch.cat([g["hidden_transform"]["weight"].t() for g in gates]))
                getattr(self.lstm, f"bias_ih_l{i}").copy_(torch.cat([g["input_transform"]["bias"] for g in gates]))
                getattr(self.lstm, f"bias_hh_l{i}").copy_(torch.cat([g["hidden_transform"]["bias"] for g in gates]))
        self.head = linear(rec["head"])

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1, :])


# ---------------------------------------------------------------- mine-gas
class GruForecaster(nn.Module):
    """Stacked GRUs (reset after, as Burn's default and PyTorch's), residual head. [b, 8, steps] -> [b, horizon]."""

    def __init__(self, rec):
        super().__init__()
        layers = rec["layers"]
        d_in = layers[0]["update_gate"]["input_transform"]["weight"].shape[0]
        hidden = layers[0]["update_gate"]["input_transform"]["weight"].shape[1]
        self.gru = nn.GRU(d_in, hidden, len(layers), batch_first=True)
        with torch.no_grad():
            for i, layer in enumerate(layers):
                # PyTorch's gate order: reset, update (z), new.
                gates = [layer[g] for g in ("reset_gate", "update_gate", "new_gate")]
                getattr(self.gru, f"weight_ih_l{i}").copy_(torch.cat([g["input_transform"]["weight"].t() for g in gates]))
                getattr(self.gru, f"weight_hh_l{i}").copy_(torch.cat([g["hidden_transform"]["weight"].t() for g in gates]))
                getattr(self.gru, f"bias_ih_l{i}").copy_(torch.cat([g["input_transform"]["bias"] for g in gates]))
                getattr(self.gru, f"bias_hh_l{i}").copy_(torch.cat([g["hidden_transform"]["bias"] for g in gates]))
        self.head = linear(rec["head"])

    def forward(self, x):
        last = x[:, 0:1, -1]
        out, _ = self.gru(x.transpose(1, 2))
        return self.head(out[:, -1, :]) + last


# ---------------------------------------------------------------- fault-detect
class FaultCnn(nn.Module):
    """Three stride-2 convolutions (padding k/2), ReLU, global mean, linear. [b, 6, samples] -> [b, 11]."""

    def __init__(self, rec):
        super().__init__()
        convs = []
        for c in rec["convs"]:
            out_c, in_c, k = c["weight"].shape
            convs.append(set_conv(nn.Conv1d(in_c, out_c, k, stride=2, padding=k // 2), c))
        self.convs = nn.ModuleList(convs)
        self.head = linear(rec["head"])

    def forward(self, x):
        for conv in self.convs:
            x = F.relu(conv(x))
        return self.head(x.mean(dim=2))


# ---------------------------------------------------------------- dispatch-proxy
class DispatchMlp(nn.Module):
    """Linear + ReLU layers, a sigmoid output. [b, 1, buses] -> [b, generators]."""

    def __init__(self, rec):
        super().__init__()
        self.hidden = nn.ModuleList([linear(l) for l in rec["hidden"]])
        self.out = linear(rec["out"])

    def forward(self, x):
        x = x.reshape(x.shape[0], x.shape[2])
        for layer in self.hidden:
            x = F.relu(layer(x))
        return torch.sigmoid(self.out(x))


# ---------------------------------------------------------------- nilm
class Seq2Point(nn.Module):
    """Five "same" convolutions with ReLU (even kernels padded one more on the right, as Burn does), dense, out."""

    def __init__(self, rec):
        super().__init__()
        convs = []
        for c in rec["convs"]:
            out_c, in_c, k = c["weight"].shape
            convs.append(set_conv(nn.Conv1d(in_c, out_c, k, padding="same"), c))
        self.convs = nn.ModuleList(convs)
        self.dense = linear(rec["dense"])
        self.out = linear(rec["out"])

    def forward(self, x):
        for conv in self.convs:
            x = F.relu(conv(x))
        return self.out(F.relu(self.dense(x.flatten(1))))


# ---------------------------------------------------------------- pv-forecast
class CausalConv(nn.Module):
    def __init__(self, rec, dilation):
        super().__init__()
        out_c, in_c, k = rec["weight"].shape
        self.pad = (k - 1) * dilation
        self.conv = set_conv(nn.Conv1d(in_c, out_c, k, dilation=dilation), rec)

    def forward(self, x):
        return self.conv(F.pad(x, (self.pad, 0)))


class TcnBlock(nn.Module):
    def __init__(self, rec, dilation):
        super().__init__()
        self.first = CausalConv(rec["first"], dilation)
        self.second = CausalConv(rec["second"], dilation)
        skip = rec.get("skip")
        self.skip = None
        if skip is not None:
            out_c, in_c, _ = skip["weight"].shape
            self.skip = set_conv(nn.Conv1d(in_c, out_c, 1), skip)

    def forward(self, x):
        y = F.relu(self.second(F.relu(self.first(x))))
        return F.relu(y + (self.skip(x) if self.skip is not None else x))


class Tcn(nn.Module):
    """Residual blocks of dilated causal convolutions, a 1x1 head, zero at night. [b, 3, L] -> [b, horizon]."""

    def __init__(self, rec, horizon):
        super().__init__()
        self.blocks = nn.ModuleList([TcnBlock(b, 1 << i) for i, b in enumerate(rec["blocks"])])
        out_c, in_c, _ = rec["head"]["weight"].shape
        self.head = set_conv(nn.Conv1d(in_c, out_c, 1), rec["head"])
        self.horizon = horizon

    def forward(self, x):
        b, _, length = x.shape
        daylight = (x[:, 1, length - self.horizon :] > 0).to(x.dtype)
        for block in self.blocks:
            x = block(x)
        out = self.head(x).reshape(b, length)
        return out[:, length - self.horizon :] * daylight


# ---------------------------------------------------------------- seismic-facies
class DoubleConv(nn.Module):
    def __init__(self, rec):
        super().__init__()
        convs = []
        for name in ("first", "second"):
            out_c, in_c, kh, kw = rec[name]["weight"].shape
            convs.append(set_conv(nn.Conv2d(in_c, out_c, (kh, kw), padding=1), rec[name]))
        self.first, self.second = convs

    def forward(self, x):
        return F.relu(self.second(F.relu(self.first(x))))


class UNet(nn.Module):
    """Encoder of double 3x3 convolutions and 2x2 max-pooling, transposed-convolution decoder with skips."""

    def __init__(self, rec):
        super().__init__()
        self.down = nn.ModuleList([DoubleConv(d) for d in rec["down"]])
        self.bottom = DoubleConv(rec["bottom"])
        ups = []
        for u in rec["up"]:
            in_c, out_c, kh, kw = u["weight"].shape
            ups.append(set_conv(nn.ConvTranspose2d(in_c, out_c, (kh, kw), stride=2), u))
        self.up = nn.ModuleList(ups)
        self.merge = nn.ModuleList([DoubleConv(m) for m in rec["merge"]])
        out_c, in_c, _, _ = rec["out"]["weight"].shape
        self.out = set_conv(nn.Conv2d(in_c, out_c, 1), rec["out"])

    def forward(self, x):
        b, h, w = x.shape
        x = x.unsqueeze(1)
        skips = []
        for block in self.down:
            y = block(x)
            x = F.max_pool2d(y, 2, 2)
            skips.append(y)
        x = self.bottom(x)
        for up, merge, skip in zip(self.up, self.merge, reversed(skips)):
            x = merge(torch.cat([up(x), skip], 1))
        logits = self.out(x)
        return logits.permute(0, 2, 3, 1).reshape(b, -1)


# ---------------------------------------------------------------- transformer-temp
class PatchTst(nn.Module):
    """RevIN, overlapping patches, a pre-norm transformer encoder (PyTorch's own layer,
    with its inference fast path), a linear head. [b, 7, lookback] -> [b, 7 * horizon]."""

    def __init__(self, rec, heads, patch_stride):
        super().__init__()
        self.embed = linear(rec["embed"])
        self.position = nn.Parameter(rec["position"].clone(), requires_grad=False)
        self.patch_len = rec["embed"]["weight"].shape[0]
        self.patch_stride = patch_stride
        d_model = rec["embed"]["weight"].shape[1]
        layers = []
        for l in rec["encoder"]["layers"]:
            d_ff = l["pwff"]["linear_inner"]["weight"].shape[1]
            layer = nn.TransformerEncoderLayer(
                d_model, heads, d_ff, dropout=0.0, activation="gelu", layer_norm_eps=1e-5, batch_first=True, norm_first=True
            )
            m = l["mha"]
            with torch.no_grad():
                layer.self_attn.in_proj_weight.copy_(torch.cat([m[k]["weight"].t() for k in ("query", "key", "value")]))
                layer.self_attn.in_proj_bias.copy_(torch.cat([m[k]["bias"] for k in ("query", "key", "value")]))
                layer.self_attn.out_proj.weight.copy_(m["output"]["weight"].t())
                layer.self_attn.out_proj.bias.copy_(m["output"]["bias"])
                layer.linear1.weight.copy_(l["pwff"]["linear_inner"]["weight"].t())
                layer.linear1.bias.copy_(l["pwff"]["linear_inner"]["bias"])
                layer.linear2.weight.copy_(l["pwff"]["linear_outer"]["weight"].t())
                layer.linear2.bias.copy_(l["pwff"]["linear_outer"]["bias"])
                # Burn's pre-norm layer normalises with norm_2 before attention and norm_1 before the feed-forward.
                layer.norm1.weight.copy_(l["norm_2"]["gamma"])
                layer.norm1.bias.copy_(l["norm_2"]["beta"])
                layer.norm2.weight.copy_(l["norm_1"]["gamma"])
                layer.norm2.bias.copy_(l["norm_1"]["beta"])
            layers.append(layer)
        self.layers = nn.ModuleList(layers)
        self.head = linear(rec["head"])
        self.horizon = rec["head"]["weight"].shape[1]

    def forward(self, x):
        b, c, lookback = x.shape
        series = x.reshape(b * c, lookback)
        mean = series.mean(dim=1, keepdim=True)
        centred = series - mean
        std = (centred.pow(2).mean(dim=1, keepdim=True) + 1e-5).sqrt()
        patches = (centred / std).unfold(1, self.patch_len, self.patch_stride)
        tokens = self.embed(patches) + self.position.unsqueeze(0)
        for layer in self.layers:
            tokens = layer(tokens)
        forecast = self.head(tokens.flatten(1))
        return (forecast * std + mean).reshape(b, c * self.horizon)


def build(workload, weights_path, output_shape):
    """The PyTorch model of `workload` with the weights of `weights_path`, in eval mode."""
    rec = load_record(weights_path)
    if workload == "load-forecast":
        model = LoadForecaster(rec)
    elif workload == "mine-gas":
        model = GruForecaster(rec)
    elif workload == "fault-detect":
        model = FaultCnn(rec)
    elif workload == "dispatch-proxy":
        model = DispatchMlp(rec)
    elif workload == "nilm":
        model = Seq2Point(rec)
    elif workload == "pv-forecast":
        model = Tcn(rec, horizon=output_shape[1])
    elif workload == "seismic-facies":
        model = UNet(rec)
    elif workload == "transformer-temp":
        # Heads and patch stride are not in the record: the quick defaults
        # (suites/src/transformer_temp/params.rs); the agreement check catches a mismatch.
        model = PatchTst(rec, heads=4, patch_stride=8)
    else:
        raise ValueError(f"unknown workload {workload}")
    return model.eval()
