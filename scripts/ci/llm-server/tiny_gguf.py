"""Writes a tiny Llama-architecture GGUF model with random weights.

Used by the real-server test (scripts/ci/llm-server.sh): llama.cpp's server
loads it like any Llama model and generates (meaningless) text, so the
endpoint client meets a third-party server without any model being
downloaded. Two layers, width 64, a SentencePiece-style vocabulary of
printable ASCII characters plus the three control tokens and a ChatML chat
template; the weights come from a fixed seed, so the file is the same on
every machine.

    python3 tiny_gguf.py OUT.gguf
"""

import sys

import numpy as np
from gguf import GGUFWriter, TokenType

DIM = 64
LAYERS = 2
HEADS = 4
FF = 128
CONTEXT = 2048
SEED = 20260

CHATML = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def vocabulary():
    """Tokens, scores and types: control tokens, the 256 byte tokens (any
    character outside the vocabulary is spelt in bytes, as SentencePiece's
    byte fallback does), the word-start marker, then every printable ASCII
    character alone and after the marker."""
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    types = [TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL] + [TokenType.BYTE] * 256
    chars = [chr(c) for c in range(33, 127)]
    pieces = ["\u2581"] + chars + ["\u2581" + c for c in chars]
    tokens += pieces
    types += [TokenType.NORMAL] * len(pieces)
    scores = [0.0] * (3 + 256) + [-float(i) for i in range(len(pieces))]
    return tokens, scores, types, 3 + 256


def main(path):
    rng = np.random.default_rng(SEED)
    tokens, scores, types, first_text = vocabulary()
    vocab = len(tokens)
    w = GGUFWriter(path, "llama")
    w.add_name("wattbench-tiny-random-llama")
    w.add_context_length(CONTEXT)
    w.add_embedding_length(DIM)
    w.add_block_count(LAYERS)
    w.add_feed_forward_length(FF)
    w.add_head_count(HEADS)
    w.add_head_count_kv(HEADS)
    w.add_rope_dimension_count(DIM // HEADS)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_file_type(0)  # all tensors f32
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_unk_token_id(0)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    w.add_chat_template(CHATML)

    def t(name, *shape, scale=0.2):
        w.add_tensor(name, (rng.standard_normal(shape) * scale).astype(np.float32))

    t("token_embd.weight", vocab, DIM, scale=1.0)
    w.add_tensor("output_norm.weight", np.ones(DIM, dtype=np.float32))
    # Control and byte tokens get a zero output row (logit 0, below most text
    # tokens' under greedy decoding), so answers are printable text.
    out = (rng.standard_normal((vocab, DIM)) * 0.2).astype(np.float32)
    out[:first_text] = 0.0
    w.add_tensor("output.weight", out)
    for i in range(LAYERS):
        w.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(DIM, dtype=np.float32))
        w.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(DIM, dtype=np.float32))
        for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
            t(f"blk.{i}.{name}.weight", DIM, DIM)
        t(f"blk.{i}.ffn_gate.weight", FF, DIM)
        t(f"blk.{i}.ffn_up.weight", FF, DIM)
        t(f"blk.{i}.ffn_down.weight", DIM, FF)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: tiny_gguf.py OUT.gguf")
    main(sys.argv[1])
