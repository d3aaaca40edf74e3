#!/usr/bin/env python3
"""Peer benchmark: wattbench's Burn CPU engine beside PyTorch on the same CPU.

For every workload of the quick suite: the same architecture in PyTorch
(models.py) with the same committed reference weights; the same real test
inputs (written by `wattbench peer-serve`); a check that both give the same
outputs; then both timed at batch 1 and 64, interleaved round by round (the
order alternating) so that the machine's drift hits both; a table of ratios.

A ratio is PyTorch's time per query divided by wattbench's: above 1.0,
wattbench is faster. Run it through scripts/peers/run.sh, which installs
what it needs.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

import models

WORKLOADS = [
    "load-forecast",
    "fault-detect",
    "transformer-temp",
    "dispatch-proxy",
    "nilm",
    "mine-gas",
    "pv-forecast",
    "seismic-facies",
]
# Agreement: the largest |wattbench - PyTorch| over all outputs of the probe
# batch, relative to the largest |output|, must not exceed this.
TOLERANCE = 1e-4


class Wattbench:
    """A `wattbench peer-serve` process and its line protocol."""

    def __init__(self, binary, device):
        self.command = [binary, "peer-serve", "--device", device]
        self.binary = binary
        self.prepared = []
        self.start()

    def start(self):
        self.proc = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def revive(self):
        """After the process died (a backend panic ends it, and a GPU backend keeps no usable
        state after one anyway): a new process, with every workload that was staged staged again."""
        if self.proc.poll() is None:
            return
        self.start()
        for line in self.prepared:
            self.ask(line, record=False)

    def ask(self, line, record=True):
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
            answer = self.proc.stdout.readline().strip()
        except (BrokenPipeError, OSError):
            answer = ""
        if not answer.startswith("ok"):
            raise RuntimeError(f"wattbench peer-serve: `{line[:80]}`: {answer or 'no answer (it exited)'}")
        if record and line.startswith(("prepare ", "prepare-plain ", "prepare-whole ")):
            self.prepared.append(line)
        return answer[3:]

    def close(self):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
        except OSError:
            pass
        self.proc.wait(timeout=30)


def torch_timer(model, pool, batch, device):
    """A function that runs `queries` queries of `batch` samples of `pool` and returns the seconds.

    Each query starts from host memory and ends with its outputs in host
    memory (on a GPU: copied in, run, copied back, which also synchronises)."""
    n = pool.shape[0]
    starts = list(range(0, n - batch + 1, batch)) or [0]
    inputs = [torch.from_numpy(pool[s : s + batch]) for s in starts]

    def run(queries):
        t0 = time.perf_counter()
        with torch.inference_mode():
            for q in range(queries):
                model(inputs[q % len(inputs)].to(device)).cpu().numpy()
        return time.perf_counter() - t0

    return run


def calibrate(run, seconds):
    """Queries that take about `seconds` (after one warm-up call)."""
    run(2)
    queries = 2
    while True:
        t = run(queries)
        if t >= seconds / 4 or queries >= 1 << 20:
            return max(2, int(queries * seconds / max(t, 1e-9)))
        queries *= 4


def agreement(wb, model, workload, prefix, probe_n, device):
    inputs = np.load(prefix + ".inputs.npy")
    expected = np.load(prefix + ".outputs.npy")
    with torch.inference_mode():
        got = model(torch.from_numpy(inputs).to(device)).cpu().numpy().reshape(expected.shape)
        # Batch 1 too: the first few samples one at a time.
        singles = np.concatenate(
            [model(torch.from_numpy(inputs[i : i + 1]).to(device)).cpu().numpy() for i in range(4)]
        )
    scale = float(np.max(np.abs(expected))) or 1.0
    worst = float(np.max(np.abs(got - expected))) / scale
    worst1 = float(np.max(np.abs(singles.reshape(expected[:4].shape) - expected[:4]))) / scale
    return inputs, expected, max(worst, worst1)


# Variants of this build timed beside it in the same process: the
# command-line flag and peer-serve verb, and the table column's words.
VARIANTS = {
    "plain": "packed / plain Burn modules",
    "whole": "split / whole batches",
}


def variants(args):
    """The variants asked for on the command line (`--plain`, `--whole`)."""
    return [v for v in VARIANTS if getattr(args, v)]


def stage(wb, w, args, device, tmp, baseline=None):
    """Prepares `w` in wattbench and in PyTorch and checks that they agree; returns (engines, agreement)."""
    params = {"weights": f"reference:{w}-quick"}
    if w in ("load-forecast", "mine-gas"):
        params["engine"] = args.engine
    wb.ask(f"prepare {w} {w} {json.dumps(params)}")
    for v in variants(args):
        wb.ask(f"prepare-{v} {w}:{v} {w} {json.dumps(params)}")
    if baseline is not None:
        baseline.ask(f"prepare {w} {w} {json.dumps(params)}")
        base_prefix = os.path.join(tmp, w + ".baseline")
        baseline.ask(f"probe {w} 64 {base_prefix}")
    prefix = os.path.join(tmp, w)
    wb.ask(f"probe {w} 64 {prefix}")
    out_shape = np.load(prefix + ".outputs.npy").shape
    model = models.build(w, os.path.join(args.weights_dir, f"{w}-quick.mpk"), out_shape).to(device)
    pool, _, worst = agreement(wb, model, w, prefix, 64, device)
    if baseline is not None:
        # The baseline build must compute the same outputs for the same inputs.
        mine, theirs = np.load(prefix + ".outputs.npy"), np.load(base_prefix + ".outputs.npy")
        if not np.array_equal(np.load(prefix + ".inputs.npy"), np.load(base_prefix + ".inputs.npy")):
            raise SystemExit(f"error: {w}: the baseline build staged other inputs")
        drift = float(np.max(np.abs(mine - theirs))) / (float(np.max(np.abs(theirs))) or 1.0)
        print(f"# {w}: this build's outputs agree with the baseline build's to {drift:.2e}", flush=True)
        if drift > args.tolerance:
            raise SystemExit(f"error: {w}: this build and the baseline build disagree ({drift:.3e} > {args.tolerance:g})")
    status = "ok" if worst <= args.tolerance else "DISAGREE"
    print(f"# {w}: outputs agree to {worst:.2e} of the largest output ({status}, tolerance {args.tolerance:g})", flush=True)
    if worst > args.tolerance:
        raise SystemExit(f"error: {w}: PyTorch and wattbench disagree ({worst:.3e} > {args.tolerance:g})")
    traced = None
    if args.trace:
        with torch.inference_mode():
            traced = torch.jit.freeze(torch.jit.trace(model, torch.from_numpy(pool[:1]).to(device)))
    return (model, traced, pool), worst


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wattbench", required=True, help="path of a release build of wattbench")
    ap.add_argument("--weights-dir", required=True, help="suites/weights of the checkout")
    ap.add_argument("--workloads", default=",".join(WORKLOADS))
    ap.add_argument("--batches", default="1,64")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds per configuration")
    ap.add_argument("--seconds", type=float, default=0.4, help="length of one timed stretch")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="PyTorch intra-op threads")
    ap.add_argument("--trace", action="store_true", help="also time PyTorch's traced and frozen TorchScript model")
    ap.add_argument(
        "--engine",
        default="burn",
        help="wattbench engine of the workloads that have more than one (load-forecast, mine-gas): burn or fused-cpu",
    )
    ap.add_argument(
        "--device",
        default="cpu",
        help="cpu, or cuda: both engines on CUDA device 0 (PyTorch on CUDA beside wattbench's Burn CUDA backend)",
    )
    ap.add_argument(
        "--tolerance",
        type=float,
        default=TOLERANCE,
        help="largest relative disagreement accepted (default %(default)g; TF32 or reduced-precision GPU "
        "matrix units may need more)",
    )
    ap.add_argument(
        "--keep-going",
        action="store_true",
        help="report a workload that fails or disagrees and go on with the others (the table omits it)",
    )
    ap.add_argument(
        "--plain",
        action="store_true",
        help="also time wattbench on Burn's own modules (not their packed inference forms), "
        "interleaved with the rest: the table gains packed / plain",
    )
    ap.add_argument(
        "--whole",
        action="store_true",
        help="also time wattbench running each batch whole on one thread (not split across the CPU's threads), "
        "interleaved with the rest: the table gains split / whole",
    )
    ap.add_argument(
        "--baseline",
        help="a second wattbench binary (an earlier build, say), staged and timed interleaved with the rest: "
        "the table gains baseline / this build",
    )
    ap.add_argument("--json", help="write every timing to this file")
    ap.add_argument("--check-only", action="store_true", help="only check that the outputs agree; time nothing")
    args = ap.parse_args()

    if args.device not in ("cpu", "cuda"):
        raise SystemExit(f"error: --device {args.device}: expected cpu or cuda")
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("error: --device cuda: PyTorch sees no CUDA device")
    if args.device == "cuda":
        # Full f32 on both sides: no TF32 in PyTorch's matrix products and convolutions.
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    device = torch.device(args.device)
    torch.set_num_threads(args.threads)
    workloads = [w for w in args.workloads.split(",") if w]
    batches = [int(b) for b in args.batches.split(",")]
    print(
        f"# torch {torch.__version__}, {torch.get_num_threads()} threads, cpu count {os.cpu_count()}; "
        f"wattbench engine of the recurrent workloads: {args.engine}; device {args.device}"
        + (f" ({torch.cuda.get_device_name(0)})" if args.device == "cuda" else "")
    )

    wb = Wattbench(args.wattbench, "cuda:0" if args.device == "cuda" else "cpu")
    baseline = Wattbench(args.baseline, "cuda:0" if args.device == "cuda" else "cpu") if args.baseline else None
    tmp = tempfile.mkdtemp(prefix="wattbench-peers-")
    engines = {}
    agree = {}
    try:
        failed = {}
        for w in workloads:
            try:
                engines[w], agree[w] = stage(wb, w, args, device, tmp, baseline)
            except (RuntimeError, SystemExit) as e:
                if not args.keep_going:
                    raise
                failed[w] = str(e)
                print(f"# {w}: SKIPPED: {e}", flush=True)
                wb.prepared = [p for p in wb.prepared if p.split(" ")[2] != w]
                wb.revive()
        workloads = [w for w in workloads if w in engines]

        if args.check_only:
            return 0
        timings = {}
        for w in workloads:
            model, traced, pool = engines[w]
            for b in batches:
                runners = {
                    "wattbench": lambda q, w=w, b=b: float(wb.ask(f"time {w} {b} {q}")),
                    "torch": torch_timer(model, pool, b, device),
                }
                if traced is not None:
                    runners["torch-trace"] = torch_timer(traced, pool, b, device)
                for v in variants(args):
                    runners[f"wattbench-{v}"] = lambda q, w=w, b=b, v=v: float(wb.ask(f"time {w}:{v} {b} {q}"))
                if baseline is not None:
                    runners["baseline"] = lambda q, w=w, b=b: float(baseline.ask(f"time {w} {b} {q}"))
                try:
                    queries = {k: calibrate(r, args.seconds) for k, r in runners.items()}
                    rows = []
                    for r in range(args.rounds):
                        order = list(runners) if r % 2 == 0 else list(reversed(runners))
                        per_query = {k: runners[k](queries[k]) / queries[k] for k in order}
                        rows.append(per_query)
                except (RuntimeError, torch.cuda.OutOfMemoryError) as e:
                    if not args.keep_going:
                        raise
                    failed[f"{w}/b{b}"] = str(e)
                    print(f"# {w} b{b}: SKIPPED: {e}", flush=True)
                    wb.revive()
                    continue
                timings[(w, b)] = rows
                ratios = [row["torch"] / row["wattbench"] for row in rows]
                plain = "".join(
                    f", {v} {statistics.median(r[f'wattbench-{v}'] for r in rows) * 1e3:.3f} ms"
                    for v in variants(args)
                ) + (
                    f", baseline build {statistics.median(r['baseline'] for r in rows) * 1e3:.3f} ms"
                    if baseline is not None
                    else ""
                )
                print(
                    f"# {w} b{b}: wattbench {statistics.median(r['wattbench'] for r in rows) * 1e3:.3f} ms, "
                    f"torch {statistics.median(r['torch'] for r in rows) * 1e3:.3f} ms per query{plain}; "
                    f"ratio per round {' '.join(f'{x:.2f}' for x in ratios)}",
                    flush=True,
                )
    finally:
        wb.close()
        if baseline is not None:
            baseline.close()

    print()
    head = "| workload | " + " | ".join(f"wattbench / PyTorch eager, batch {b}" for b in batches)
    if args.trace:
        head += " | " + " | ".join(f"wattbench / PyTorch traced, batch {b}" for b in batches)
    for v in variants(args):
        head += " | " + " | ".join(f"{VARIANTS[v]}, batch {b}" for b in batches)
    if baseline is not None:
        head += " | " + " | ".join(f"baseline build / this build, batch {b}" for b in batches)
    print(head + " |")
    print("|" + " --- |" * (1 + len(batches) * (1 + int(args.trace) + len(variants(args)) + int(baseline is not None))))
    logs = {b: [] for b in batches}
    base_logs = {b: [] for b in batches}
    for w in workloads:
        cells = []
        keys = ["torch"] + (["torch-trace"] if args.trace else []) + [f"wattbench-{v}" for v in variants(args)]
        for key in keys + (["baseline"] if baseline is not None else []):
            for b in batches:
                if (w, b) not in timings:
                    cells.append("failed")
                    continue
                ratios = [row[key] / row["wattbench"] for row in timings[(w, b)]]
                med = statistics.median(ratios)
                if key == "torch":
                    logs[b].append(np.log(med))
                if key == "baseline":
                    base_logs[b].append(np.log(med))
                cells.append(f"{med:.2f} [{min(ratios):.2f}-{max(ratios):.2f}]")
        print(f"| {w} | " + " | ".join(cells) + " |")
    print()
    print(
        "geometric mean (eager): "
        + ", ".join(f"batch {b} {float(np.exp(np.mean(v))):.2f}x" for b, v in logs.items())
    )
    if baseline is not None:
        print(
            "geometric mean (this build over the baseline build): "
            + ", ".join(f"batch {b} {float(np.exp(np.mean(v))):.2f}x" for b, v in base_logs.items() if v)
        )
    print(
        "ratio = PyTorch's time per query / wattbench's (above 1: wattbench faster); "
        + ("packed / plain = Burn's own modules' time / the packed forms' (above 1: packing gains); " if args.plain else "")
        + ("split / whole = one thread's time per batch / the split batch's (above 1: the split gains); " if args.whole else "")
        + (f"baseline = {args.baseline}; " if baseline is not None else "")
        + f"median of {args.rounds} interleaved rounds [min-max]"
    )
    if args.json:
        doc = {
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "device": args.device,
            "tolerance": args.tolerance,
            "agreement": agree,
            "failed": failed,
            "timings_s_per_query": {f"{w}/b{b}": rows for (w, b), rows in timings.items()},
            "baseline": args.baseline,
        }
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
