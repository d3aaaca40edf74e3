#!/usr/bin/env python3
"""A stand-in for a GPU-served model, to check the serving-GPU meter on a GPU node.

An OpenAI-compatible streaming server (chat and completions routes) that,
for every token it streams, runs a fixed amount of matrix work on CUDA device
0 with PyTorch, so that the GPU draws power while requests are in flight and
idles between runs. It is not a language model and does not pretend to be:
its figures measure the meter, not a model.

    python3 busy_openai_server.py --port 8011 [--size 4096] [--matmuls 8]

Prints `listening on PORT` when ready. Python's standard library and torch only.
"""

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import torch

LOCK = threading.Lock()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--size", type=int, default=4096, help="side of the square bf16 matrices")
    ap.add_argument("--matmuls", type=int, default=8, help="matrix products per token")
    ap.add_argument("--device", default="cuda:0", help="cuda:0, or cpu to rehearse without a GPU")
    args = ap.parse_args()
    dev = torch.device(args.device)
    dtype = torch.bfloat16 if dev.type == "cuda" else torch.float32
    a = torch.randn(args.size, args.size, device=dev, dtype=dtype)
    b = torch.randn(args.size, args.size, device=dev, dtype=dtype)

    def token_work():
        # One token at a time across all requests, like a batch-1 decoder.
        with LOCK:
            c = a
            for _ in range(args.matmuls):
                c = (c @ b) * 1e-3
            if dev.type == "cuda":
                torch.cuda.synchronize()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_POST(self):
            chat = self.path.endswith("/chat/completions")
            if not (chat or self.path.endswith("/completions")):
                self.send_error(404)
                return
            n = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(n) or b"{}")
            max_tokens = int(body.get("max_tokens", 16))
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()

            def event(data):
                payload = f"data: {data}\n\n".encode()
                self.wfile.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
                self.wfile.flush()

            for i in range(max_tokens):
                token_work()
                finish = "length" if i + 1 == max_tokens else None
                choice = {"index": 0, "finish_reason": finish}
                if chat:
                    choice["delta"] = {"content": f" t{i}"}
                else:
                    choice["text"] = f" t{i}"
                event(json.dumps({"id": "busy", "model": body.get("model", "busy"), "choices": [choice]}))
            usage = {"prompt_tokens": 16, "completion_tokens": max_tokens, "total_tokens": 16 + max_tokens}
            event(json.dumps({"choices": [], "usage": usage}))
            event("[DONE]")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

    token_work()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"listening on {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
