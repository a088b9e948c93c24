"""The PyTorch peer of the CUDA decode benchmark, run on the same GPU in the same call.

Hugging Face LlamaForCausalLM with random bf16 weights of the benchmark's `1b` and `8b` shapes
(Llama 3.2 1B and Llama 3.1 8B), greedy decoding through `generate` at each batch size, eager
attention through SDPA and the default dynamic KV cache, as a user of transformers gets it. Decode
tokens/s leave the prompt out: a run of 1 new token (prefill) is timed apart and subtracted.

    python3 torch_peer.py [--shapes 1b,8b] [--batches 1,64] [--prompt 32] [--steps 64]
                          [--out torch.json] [--ours bench.md]

With --ours (the table CudaDecodeBenchmark writes), prints ours over the peer's tokens/s for
each shape and batch: our F16 graph-replayed decode against its bf16 (the same bytes per weight).
"""
import argparse
import json
import time

import torch
import transformers
from transformers import LlamaConfig, LlamaForCausalLM

SHAPES = {
    "1b": dict(hidden_size=2048, intermediate_size=8192, num_hidden_layers=16, num_attention_heads=32,
               num_key_value_heads=8, vocab_size=128256, rope_theta=500000.0, tie_word_embeddings=True),
    "8b": dict(hidden_size=4096, intermediate_size=14336, num_hidden_layers=32, num_attention_heads=32,
               num_key_value_heads=8, vocab_size=128256, rope_theta=500000.0, tie_word_embeddings=False),
}


def build(shape):
    config = LlamaConfig(**SHAPES[shape], max_position_embeddings=8192, rms_norm_eps=1e-5,
                         attn_implementation="sdpa")
    torch.manual_seed(0)
    torch.set_default_dtype(torch.bfloat16)
    with torch.device("cuda"):
        model = LlamaForCausalLM(config)
    torch.set_default_dtype(torch.float32)
    return model.eval()


def timed_generate(model, ids, new_tokens):
    torch.cuda.synchronize()
    start = time.perf_counter()
    with torch.inference_mode():
        out = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=new_tokens,
                             min_new_tokens=new_tokens, do_sample=False, pad_token_id=0, eos_token_id=None)
    torch.cuda.synchronize()
    assert out.shape[1] == ids.shape[1] + new_tokens, out.shape
    return time.perf_counter() - start


def measure(shape, batches, prompt, steps):
    model = build(shape)
    rows = []
    for batch in batches:
        ids = torch.randint(10, 1000, (batch, prompt), device="cuda")
        timed_generate(model, ids, 4)  # warm-up: kernels, allocator, cuBLAS handles
        prefill = min(timed_generate(model, ids, 1) for _ in range(2))
        total = timed_generate(model, ids, steps)
        tokens_per_s = batch * (steps - 1) / (total - prefill)
        rows.append(dict(shape=shape, batch=batch, steps=steps, prompt=prompt, seconds=total,
                         prefill_seconds=prefill, tokens_per_s=tokens_per_s))
        print(f"torch {shape} bf16 batch {batch}: {tokens_per_s:.1f} tokens/s "
              f"({1000 * (total - prefill) / (steps - 1):.2f} ms/step)", flush=True)
    del model
    torch.cuda.empty_cache()
    return rows


def ours(path):
    """Our decode tokens/s by (shape, batch): F16 rows of one rank replayed as graphs, from the benchmark's table."""
    found = {}
    for line in open(path):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 8 and cells[1] == "f16" and cells[2] == "1" and cells[3] == "decode, graph":
            found[(cells[0], int(cells[4]))] = float(cells[7])
    return found


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--shapes", default="1b,8b")
    p.add_argument("--batches", default="1,64")
    p.add_argument("--prompt", type=int, default=32)
    p.add_argument("--steps", type=int, default=64)
    p.add_argument("--out")
    p.add_argument("--ours")
    a = p.parse_args()
    batches = [int(b) for b in a.batches.split(",")]
    rows = []
    for shape in a.shapes.split(","):
        rows += measure(shape, batches, a.prompt, a.steps)
    info = dict(device=torch.cuda.get_device_name(), torch=torch.__version__, transformers=transformers.__version__,
                rows=rows)
    if a.out:
        with open(a.out, "w") as f:
            json.dump(info, f, indent=2)
    print(f"\n{info['device']}, torch {info['torch']}, transformers {info['transformers']}")
    if a.ours:
        mine = ours(a.ours)
        print("| shape | batch | ours F16 tokens/s | PyTorch bf16 tokens/s | ours / PyTorch |")
        print("|---|---|---|---|---|")
        for r in rows:
            m = mine.get((r["shape"], r["batch"]))
            ratio = f"{m / r['tokens_per_s']:.2f}" if m else "-"
            print(f"| {r['shape']} | {r['batch']} | {m if m else '-'} | {r['tokens_per_s']:.1f} | {ratio} |")


if __name__ == "__main__":
    main()
