// RoPE, the KV-cache write, and causal attention over the paged KV cache, for decode and
// prefill alike: every query token attends to its own sequence's positions 0..pos, which the
// cache already holds (rope_store writes the step's own keys and values first).
#include "common.cuh"

// qkv holds n rows of [q (heads*headDim) | k (kvHeads*headDim) | v (kvHeads*headDim)]. Rotates
// the adjacent pairs (2i, 2i+1) of the first ropeDim dimensions of every q and k head by
// pos/ropeScale * invFreq[i], in the CPU model's arithmetic (angle, cos and sin in double, the
// rotation in float without fused multiply-adds), then copies k and v into slot slots[t].
// One thread block per (head, token) over the q heads then the k heads, thread i taking pair i:
// a single block per token left the step waiting on one multiprocessor's dependent loads.
// A k head's block also writes that head's keys and values into the cache.
extern "C" __global__ void rope_store(float* qkv, const int* positions, const int* slots, const float* invFreq,
                                      float* kcache, float* vcache, int heads, int kvHeads, int headDim,
                                      int ropeDim, float ropeScale) {
    int h = blockIdx.x;
    int t = blockIdx.y;
    int dim = heads * headDim;
    int kvDim = kvHeads * headDim;
    float* row = qkv + (long long) t * (dim + 2 * kvDim);
    float* head = row + h * headDim;  // k heads follow the q heads in the row
    double p = (double) positions[t] / (double) ropeScale;
    for (int i = threadIdx.x; i < headDim / 2; i += blockDim.x) {
        float a = head[2 * i];
        float b = head[2 * i + 1];
        if (2 * i < ropeDim) {
            double angle = p * (double) invFreq[i];
            float c = (float) cos(angle);
            float s = (float) sin(angle);
            float ra = __fsub_rn(__fmul_rn(a, c), __fmul_rn(b, s));
            b = __fadd_rn(__fmul_rn(a, s), __fmul_rn(b, c));
            a = ra;
            head[2 * i] = a;
            head[2 * i + 1] = b;
        }
        if (h >= heads) {
            long long at = slots[t] + (long long) (h - heads) * headDim + 2 * i;
            kcache[at] = a;
            kcache[at + 1] = b;
            vcache[at] = head[kvDim + 2 * i];
            vcache[at + 1] = head[kvDim + 2 * i + 1];
        }
    }
}

__device__ __forceinline__ long long kv_slot(const int* table, int p, int blockSize, int kvDim) {
    return (long long) (table[p / blockSize] * blockSize + p % blockSize) * kvDim;
}

// Positions a warp takes at once: their rows' loads are all in flight together, since at short
// contexts attention is bound by the latency of the dependent block-table and cache reads.
#define ATTN_POSITIONS 4
#define MAX_HEAD_DIM 256  // lanes hold headDim / 32 output dimensions each

// One thread block per (query head, token); headDim at most MAX_HEAD_DIM.
// Warp w takes positions 4w..4w+3, then 4(w + warps).., for the scores and again for the weighted
// values; the warps' partial outputs then add up in order. Dynamic shared memory: headDim +
// maxLen + warps * headDim floats (q, scores, partial outputs). tableStart[t] indexes token t's
// sequence's block table in blocks. The output goes straight into the output projection's input
// format when a head is whole 32-element blocks (saving a launch per layer), else as floats.
template <class Out>
__device__ void attention(const float* qkv, const float* kcache, const float* vcache, Out out,
                          const int* positions, const int* tableStart, const int* blocks, int blockSize, int heads,
                          int kvHeads, int headDim, int maxLen, float scale) {
    extern __shared__ float sm[];
    int h = blockIdx.x;
    int t = blockIdx.y;
    int dim = heads * headDim;
    int kvDim = kvHeads * headDim;
    int len = positions[t] + 1;
    const int* table = blocks + tableStart[t];
    int kvo = (h / (heads / kvHeads)) * headDim;
    float* q = sm;
    float* scores = q + headDim;
    float* part = scores + maxLen;
    int tid = threadIdx.x;
    int lane = tid & 31;
    int warp = tid >> 5;
    int warps = blockDim.x >> 5;

    for (int i = tid; i < headDim; i += blockDim.x) q[i] = qkv[(long long) t * (dim + 2 * kvDim) + h * headDim + i];
    __syncthreads();
    for (int p0 = warp * ATTN_POSITIONS; p0 < len; p0 += warps * ATTN_POSITIONS) {
        const float* k[ATTN_POSITIONS];
#pragma unroll
        for (int u = 0; u < ATTN_POSITIONS; u++) {
            k[u] = kcache + kv_slot(table, min(p0 + u, len - 1), blockSize, kvDim) + kvo;  // past len: unused
        }
        float s[ATTN_POSITIONS] = {};
#pragma unroll
        for (int j = 0; j < MAX_HEAD_DIM / WARP; j++) {
            int i = lane + j * WARP;
            if (i < headDim) {
                float qi = q[i];
#pragma unroll
                for (int u = 0; u < ATTN_POSITIONS; u++) s[u] += qi * k[u][i];
            }
        }
#pragma unroll
        for (int u = 0; u < ATTN_POSITIONS; u++) {
            float su = warp_sum(s[u]);
            if (lane == 0 && p0 + u < len) scores[p0 + u] = __fmul_rn(su, scale);
        }
    }
    __syncthreads();
    float m = -INFINITY;
    for (int p = tid; p < len; p += blockDim.x) m = fmaxf(m, scores[p]);
    m = block_max(m);
    float sum = 0.f;
    for (int p = tid; p < len; p += blockDim.x) {
        float e = (float) exp((double) (scores[p] - m));
        scores[p] = e;
        sum += e;
    }
    sum = block_sum(sum);  // its barriers also publish the scores written above

    float acc[MAX_HEAD_DIM / WARP] = {};
    for (int p0 = warp * ATTN_POSITIONS; p0 < len; p0 += warps * ATTN_POSITIONS) {
        const float* v[ATTN_POSITIONS];
        float w[ATTN_POSITIONS];  // past len: unused
#pragma unroll
        for (int u = 0; u < ATTN_POSITIONS; u++) {
            int p = min(p0 + u, len - 1);
            v[u] = vcache + kv_slot(table, p, blockSize, kvDim) + kvo;
            w[u] = __fdiv_rn(scores[p], sum);
        }
#pragma unroll
        for (int j = 0; j < MAX_HEAD_DIM / WARP; j++) {
            int d = lane + j * WARP;
            if (d < headDim) {
#pragma unroll
                for (int u = 0; u < ATTN_POSITIONS; u++) {
                    if (p0 + u < len) acc[j] += w[u] * v[u][d];
                }
            }
        }
    }
#pragma unroll
    for (int j = 0; j < MAX_HEAD_DIM / WARP; j++) {
        int d = lane + j * WARP;
        if (d < headDim) part[warp * headDim + d] = acc[j];
    }
    __syncthreads();
    if (tid < headDim) {  // for Q8_0: whole warps, lane j holding element j of an aligned block
        float o = 0.f;
        for (int ww = 0; ww < warps; ww++) o += part[ww * headDim + tid];
        out.store(o, (long long) t * dim + h * headDim + tid);
    }
}

extern "C" __global__ void attention_q8_0(const float* qkv, const float* kcache, const float* vcache, int8_t* q,
                                          float* d, const int* positions, const int* tableStart, const int* blocks,
                                          int blockSize, int heads, int kvHeads, int headDim, int maxLen,
                                          float scale) {
    attention(qkv, kcache, vcache, ActQ8_0{q, d}, positions, tableStart, blocks, blockSize, heads, kvHeads, headDim,
              maxLen, scale);
}

extern "C" __global__ void attention_f16(const float* qkv, const float* kcache, const float* vcache, __half* h,
                                         float* unused, const int* positions, const int* tableStart,
                                         const int* blocks, int blockSize, int heads, int kvHeads, int headDim,
                                         int maxLen, float scale) {
    attention(qkv, kcache, vcache, ActF16{h}, positions, tableStart, blocks, blockSize, heads, kvHeads, headDim,
              maxLen, scale);
}

extern "C" __global__ void attention_f32(const float* qkv, const float* kcache, const float* vcache, float* x,
                                         float* unused, const int* positions, const int* tableStart,
                                         const int* blocks, int blockSize, int heads, int kvHeads, int headDim,
                                         int maxLen, float scale) {
    attention(qkv, kcache, vcache, ActF32{x}, positions, tableStart, blocks, blockSize, heads, kvHeads, headDim,
              maxLen, scale);
}
