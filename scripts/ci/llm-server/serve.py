"""Serves a GGUF model with llama.cpp's own HTTP server (through the
xllamacpp package's prebuilt wheel) on a loopback port, OpenAI-compatible
under /v1, until it is killed or its lifetime ends.

    python3 serve.py --model M.gguf --port 8080 [--host 127.0.0.1]
                     [--parallel 4] [--threads 2] [--lifetime-s 600]

Prints `listening on URL` once the server accepts requests.
"""

import argparse
import os
import sys
import time

import xllamacpp


def main():
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--model", required=True)
    a.add_argument("--host", default="127.0.0.1")
    a.add_argument("--port", type=int, required=True)
    a.add_argument("--parallel", type=int, default=4)
    a.add_argument("--threads", type=int, default=2)
    a.add_argument("--ctx", type=int, default=2048)
    a.add_argument("--alias", default="tiny-llama")
    a.add_argument("--lifetime-s", type=float, default=600.0)
    args = a.parse_args()
    if not os.path.isfile(args.model):
        sys.exit(f"error: no model file {args.model}")
    p = xllamacpp.CommonParams()
    p.model.path = args.model
    p.hostnames = [args.host]
    p.port = args.port
    p.n_parallel = args.parallel
    p.n_ctx = args.ctx * args.parallel
    p.cpuparams.n_threads = args.threads
    p.cpuparams_batch.n_threads = args.threads
    p.model_alias = args.alias
    p.endpoint_metrics = False
    server = xllamacpp.Server(p)
    print(f"listening on {server.listening_address}", flush=True)
    deadline = time.monotonic() + args.lifetime_s
    while time.monotonic() < deadline:
        time.sleep(0.5)
    print("lifetime over; stopping", flush=True)
    os._exit(0)


if __name__ == "__main__":
    main()
