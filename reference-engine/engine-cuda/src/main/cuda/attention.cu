// Causal attention over the paged KV cache, for decode and prefill alike: every query token
// attends to its own sequence's positions 0..pos, which the cache already holds (the fused QKV
// product, matmul_rope_*, applies RoPE and writes the step's own keys and values first).
#include "common.cuh"

__device__ __forceinline__ long long kv_slot(const int* table, int p, int blockSize, int kvDim) {
    return (long long) (table[p / blockSize] * blockSize + p % blockSize) * kvDim;
}

// Positions a warp takes at once: their rows' loads are all in flight together, since at short
// contexts attention is bound by the latency of the dependent block-table and cache reads.
#define ATTN_POSITIONS 4
#define MAX_HEAD_DIM 256  // lanes hold headDim / 32 output dimensions each
#define ATTN_THREADS 1024  // most threads a block: LlamaKernels launches 8 to 32 warps

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
    dependent_launch();
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

extern "C" __global__ void __launch_bounds__(ATTN_THREADS) attention_q8_0(const float* qkv, const float* kcache, const float* vcache, int8_t* q,
                                          float* d, const int* positions, const int* tableStart, const int* blocks,
                                          int blockSize, int heads, int kvHeads, int headDim, int maxLen,
                                          float scale) {
    attention(qkv, kcache, vcache, ActQ8_0{q, d}, positions, tableStart, blocks, blockSize, heads, kvHeads, headDim,
              maxLen, scale);
}

extern "C" __global__ void __launch_bounds__(ATTN_THREADS) attention_f16(const float* qkv, const float* kcache, const float* vcache, __half* h,
                                         float* unused, const int* positions, const int* tableStart,
                                         const int* blocks, int blockSize, int heads, int kvHeads, int headDim,
                                         int maxLen, float scale) {
    attention(qkv, kcache, vcache, ActF16{h}, positions, tableStart, blocks, blockSize, heads, kvHeads, headDim,
              maxLen, scale);
}

extern "C" __global__ void __launch_bounds__(ATTN_THREADS) attention_f32(const float* qkv, const float* kcache, const float* vcache, float* x,
                                         float* unused, const int* positions, const int* tableStart,
                                         const int* blocks, int blockSize, int heads, int kvHeads, int headDim,
                                         int maxLen, float scale) {
    attention(qkv, kcache, vcache, ActF32{x}, positions, tableStart, blocks, blockSize, heads, kvHeads, headDim,
              maxLen, scale);
}
