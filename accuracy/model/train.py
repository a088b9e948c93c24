"""Trains Gauntlet's bundled reference model: a small Llama on the King James Bible.

The architecture is exactly the one the reference engine runs (RMSNorm, RoPE on adjacent pairs
as llama.cpp's "normal" mode, grouped-query attention where query head h reads KV head
h // (heads / kv_heads), SwiGLU, output head tied to the token embedding), so the weights need
no permutation on the way into GGUF. Inputs are int32 token ids written by
`./gauntlet model tokenize` with the project's own BPE tokenizer; the output is a safetensors
file with GGUF tensor names and llama.* hyper-parameters in its metadata, which
`./gauntlet model import` turns into the GGUF.

Usage: python3 train.py --data DIR --out FILE.safetensors [--steps N] [--seed S]
  DIR holds train.i32 and heldout.i32.
"""
import argparse
import json
import math
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

BOS = 3835 + 256  # first special token after the 256 bytes and the learned merges; checked below


class Config:
    vocab = 4096
    dim = 288
    layers = 6
    heads = 6
    kv_heads = 2
    ffn = 768
    context = 512
    rope_theta = 10000.0
    eps = 1e-5


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        x32 = x.float()
        return (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)).type_as(x) * self.weight


def rope_tables(cfg, device):
    head_dim = cfg.dim // cfg.heads
    inv = cfg.rope_theta ** (-torch.arange(0, head_dim, 2, device=device, dtype=torch.float64) / head_dim)
    angles = torch.arange(cfg.context, device=device, dtype=torch.float64)[:, None] * inv[None, :]
    return torch.cos(angles).float(), torch.sin(angles).float()


def rope(x, cos, sin):
    # x: (batch, heads, seq, head_dim); pairs (2i, 2i+1) turn by angle pos * inv[i].
    t = x.shape[2]
    xr = x.float().reshape(*x.shape[:-1], -1, 2)
    a, b = xr[..., 0], xr[..., 1]
    c, s = cos[:t], sin[:t]
    out = torch.stack((a * c - b * s, a * s + b * c), dim=-1)
    return out.reshape(x.shape).type_as(x)


class Block(nn.Module):
    def __init__(self, cfg, dropout):
        super().__init__()
        self.cfg = cfg
        hd = cfg.dim // cfg.heads
        self.attn_norm = RMSNorm(cfg.dim, cfg.eps)
        self.q = nn.Linear(cfg.dim, cfg.dim, bias=False)
        self.k = nn.Linear(cfg.dim, cfg.kv_heads * hd, bias=False)
        self.v = nn.Linear(cfg.dim, cfg.kv_heads * hd, bias=False)
        self.o = nn.Linear(cfg.dim, cfg.dim, bias=False)
        self.ffn_norm = RMSNorm(cfg.dim, cfg.eps)
        self.gate = nn.Linear(cfg.dim, cfg.ffn, bias=False)
        self.up = nn.Linear(cfg.dim, cfg.ffn, bias=False)
        self.down = nn.Linear(cfg.ffn, cfg.dim, bias=False)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, cos, sin):
        cfg = self.cfg
        b, t, _ = x.shape
        hd = cfg.dim // cfg.heads
        h = self.attn_norm(x)
        q = self.q(h).view(b, t, cfg.heads, hd).transpose(1, 2)
        k = self.k(h).view(b, t, cfg.kv_heads, hd).transpose(1, 2)
        v = self.v(h).view(b, t, cfg.kv_heads, hd).transpose(1, 2)
        q, k = rope(q, cos, sin), rope(k, cos, sin)
        group = cfg.heads // cfg.kv_heads
        k = k.repeat_interleave(group, dim=1)
        v = v.repeat_interleave(group, dim=1)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.drop(self.o(a.transpose(1, 2).reshape(b, t, cfg.dim)))
        h = self.ffn_norm(x)
        return x + self.drop(self.down(F.silu(self.gate(h)) * self.up(h)))


class Llama(nn.Module):
    def __init__(self, cfg, dropout):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab, cfg.dim)
        self.blocks = nn.ModuleList(Block(cfg, dropout) for _ in range(cfg.layers))
        self.norm = RMSNorm(cfg.dim, cfg.eps)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * cfg.layers) if name.endswith(("o.weight", "down.weight")) else 0.02
                nn.init.normal_(p, 0.0, std)

    def forward(self, ids, cos, sin):
        x = self.embed(ids)
        for blk in self.blocks:
            x = blk(x, cos, sin)
        return self.norm(x) @ self.embed.weight.t()  # tied output head

    def gguf_tensors(self):
        """The weights under GGUF names, as float32 arrays (rows = output features)."""
        t = {"token_embd.weight": self.embed.weight, "output_norm.weight": self.norm.weight}
        for i, b in enumerate(self.blocks):
            p = f"blk.{i}."
            t.update({p + "attn_norm.weight": b.attn_norm.weight, p + "attn_q.weight": b.q.weight,
                      p + "attn_k.weight": b.k.weight, p + "attn_v.weight": b.v.weight,
                      p + "attn_output.weight": b.o.weight, p + "ffn_norm.weight": b.ffn_norm.weight,
                      p + "ffn_gate.weight": b.gate.weight, p + "ffn_up.weight": b.up.weight,
                      p + "ffn_down.weight": b.down.weight})
        return {k: v.detach().float().cpu().numpy() for k, v in t.items()}


def save_safetensors(path, tensors, metadata):
    """Writes F16 tensors (the precision of the committed GGUF) in the safetensors layout."""
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, arr in tensors.items():
        data = arr.astype("<f2").tobytes()
        header[name] = {"dtype": "F16", "shape": list(arr.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for blob in blobs:
            f.write(blob)


def windows(ids, starts, context):
    """Windows of `context` tokens with BOS in place of the first, as llama-perplexity scores them."""
    w = torch.stack([ids[s:s + context] for s in starts])
    w[:, 0] = BOS
    return w


@torch.no_grad()
def perplexity(model, ids, cos, sin, context):
    """llama-perplexity's definition: non-overlapping windows, BOS first, the second half scored."""
    model.eval()
    n = len(ids) // context
    first = context // 2
    nll, count = 0.0, 0
    for s in range(0, n, 16):
        starts = [i * context for i in range(s, min(n, s + 16))]
        w = windows(ids, starts, context)
        logits = model(w, cos, sin).float()
        lp = torch.log_softmax(logits[:, first:context - 1], dim=-1)
        target = w[:, first + 1:]
        nll -= lp.gather(-1, target[..., None]).sum().item()
        count += target.numel()
    model.train()
    return math.exp(nll / count), count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=1400)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--dropout", type=float, default=0.4)
    ap.add_argument("--seed", type=int, default=1611)
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    cfg = Config()
    train_all = torch.from_numpy(np.fromfile(f"{args.data}/train.i32", dtype="<i4").astype(np.int64)).to(dev)
    heldout = torch.from_numpy(np.fromfile(f"{args.data}/heldout.i32", dtype="<i4").astype(np.int64)).to(dev)
    # llama-perplexity tokenizes the text with BOS in front before cutting windows; do the same.
    heldout = torch.cat([torch.tensor([BOS], device=dev), heldout])
    assert int(train_all.max()) < BOS, "token ids must stay below the special tokens"
    # Validation for choosing the checkpoint: every 50th 4096-token block of the training text.
    # The held-out text stays untouched until the final report.
    block = 4096
    blocks = torch.arange(len(train_all), device=dev) // block
    is_val = blocks % 50 == 25
    train, val = train_all[~is_val], train_all[is_val]
    print(f"device {dev}; tokens: train {len(train):,}, validation {len(val):,}, held-out {len(heldout):,}")

    model = Llama(cfg, args.dropout).to(dev)
    params = sum(p.numel() for p in model.parameters())
    print(f"parameters: {params:,}")
    cos, sin = rope_tables(cfg, dev)
    decay = [p for p in model.parameters() if p.dim() == 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))
    warmup = 100

    def lr_at(step):
        if step < warmup:
            return args.lr * (step + 1) / warmup
        progress = (step - warmup) / max(1, args.steps - warmup)
        return args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))

    gen = torch.Generator(device="cpu").manual_seed(args.seed)
    best, best_state, best_step = float("inf"), None, -1
    start = time.time()
    for step in range(args.steps):
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        starts = torch.randint(0, len(train) - cfg.context - 1, (args.batch,), generator=gen).tolist()
        w = torch.stack([train[s:s + cfg.context + 1] for s in starts])
        w[:, 0] = BOS
        with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=dev == "cuda"):
            logits = model(w[:, :-1], cos, sin)
        loss = F.cross_entropy(logits.float().reshape(-1, cfg.vocab), w[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 100 == 99 or step == args.steps - 1:
            val_ppl, _ = perplexity(model, val, cos, sin, cfg.context)
            val_loss = math.log(val_ppl)
            mark = ""
            if val_loss < best:
                best, best_step, mark = val_loss, step + 1, " *"
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            print(f"step {step + 1:5d}  lr {lr_at(step):.2e}  train loss {loss.item():.4f}  "
                  f"validation loss {val_loss:.4f}{mark}  ({time.time() - start:.0f} s)", flush=True)
    model.load_state_dict(best_state)
    ppl, scored = perplexity(model, heldout, cos, sin, cfg.context)
    print(f"best checkpoint: step {best_step}, validation loss {best:.4f}")
    print(f"held-out perplexity (F32 weights, {scored:,} scored tokens, n_ctx {cfg.context}): {ppl:.4f}")

    meta = {"general.name": "gauntlet-kjv", "llama.context_length": str(cfg.context),
            "llama.embedding_length": str(cfg.dim), "llama.block_count": str(cfg.layers),
            "llama.feed_forward_length": str(cfg.ffn), "llama.attention.head_count": str(cfg.heads),
            "llama.attention.head_count_kv": str(cfg.kv_heads), "llama.rope.freq_base": repr(cfg.rope_theta),
            "llama.rope.dimension_count": str(cfg.dim // cfg.heads),
            "llama.attention.layer_norm_rms_epsilon": repr(cfg.eps), "llama.vocab_size": str(cfg.vocab),
            "gauntlet.training.seed": str(args.seed), "gauntlet.training.steps": str(best_step)}
    save_safetensors(args.out, model.gguf_tensors(), meta)
    # The F16 weights are what ships: report held-out perplexity with them too.
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())
    ppl16, _ = perplexity(model, heldout, cos, sin, cfg.context)
    print(f"held-out perplexity (F16-rounded weights): {ppl16:.4f}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
