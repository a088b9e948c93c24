// RoPE, the KV-cache write, and causal attention over the paged KV cache, for decode and
// prefill alike: every query token attends to its own sequence's positions 0..pos, which the
// cache already holds (rope_store writes the step's own keys and values first).
#include "common.cuh"

// qkv holds n rows of [q (heads*headDim) | k (kvHeads*headDim) | v (kvHeads*headDim)]. Rotates
// the adjacent pairs (2i, 2i+1) of the first ropeDim dimensions of every q and k head by
// pos/ropeScale * invFreq[i], in the CPU model's arithmetic (angle, cos and sin in double, the
// rotation in float without fused multiply-adds), then copies k and v into slot slots[t].
// One thread block per token; ropeDim / 2 <= MAX_ROPE_PAIRS.
#define MAX_ROPE_PAIRS 128
extern "C" __global__ void rope_store(float* qkv, const int* positions, const int* slots, const float* invFreq,
                                      float* kcache, float* vcache, int heads, int kvHeads, int headDim,
                                      int ropeDim, float ropeScale) {
    __shared__ float2 turn[MAX_ROPE_PAIRS];  // (cos, sin) per pair: every head turns by the same angles
    int t = blockIdx.x;
    int dim = heads * headDim;
    int kvDim = kvHeads * headDim;
    float* row = qkv + (long long) t * (dim + 2 * kvDim);
    double p = (double) positions[t] / (double) ropeScale;
    int pairs = ropeDim / 2;
    for (int i = threadIdx.x; i < pairs; i += blockDim.x) {
        double angle = p * (double) invFreq[i];
        turn[i] = make_float2((float) cos(angle), (float) sin(angle));
    }
    __syncthreads();
    // k heads follow the q heads in the row, so head h of either lives at h * headDim.
    for (int idx = threadIdx.x; idx < (heads + kvHeads) * pairs; idx += blockDim.x) {
        int h = idx / pairs;
        int i = idx % pairs;
        float c = turn[i].x;
        float s = turn[i].y;
        float* v = row + h * headDim + 2 * i;
        float a = v[0];
        float b = v[1];
        v[0] = __fsub_rn(__fmul_rn(a, c), __fmul_rn(b, s));
        v[1] = __fadd_rn(__fmul_rn(a, s), __fmul_rn(b, c));
    }
    __syncthreads();
    long long slot = slots[t];
    for (int i = threadIdx.x; i < kvDim; i += blockDim.x) {
        kcache[slot + i] = row[dim + i];
        vcache[slot + i] = row[dim + kvDim + i];
    }
}

__device__ __forceinline__ long long kv_slot(const int* table, int p, int blockSize, int kvDim) {
    return (long long) (table[p / blockSize] * blockSize + p % blockSize) * kvDim;
}

// One thread block per (query head, token); blockDim.x >= headDim. Scores live in dynamic
// shared memory: headDim + maxLen + blockDim.x floats (q, scores, partial outputs).
// tableStart[t] indexes token t's sequence's block table in blocks.
extern "C" __global__ void attention(const float* qkv, const float* kcache, const float* vcache, float* out,
                                     const int* positions, const int* tableStart, const int* blocks, int blockSize,
                                     int heads, int kvHeads, int headDim, int maxLen, float scale) {
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
    int warps = blockDim.x >> 5;

    for (int i = tid; i < headDim; i += blockDim.x) q[i] = qkv[(long long) t * (dim + 2 * kvDim) + h * headDim + i];
    __syncthreads();
    for (int p = tid >> 5; p < len; p += warps) {
        const float* k = kcache + kv_slot(table, p, blockSize, kvDim) + kvo;
        float s = 0.f;
        for (int i = lane; i < headDim; i += WARP) s += q[i] * k[i];
        s = warp_sum(s);
        if (lane == 0) scores[p] = __fmul_rn(s, scale);
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

    // Thread (g, d) sums dimension d over positions p = g (mod groups); then the groups add up.
    int groups = blockDim.x / headDim;
    int d = tid % headDim;
    int g = tid / headDim;
    float acc = 0.f;
    if (g < groups) {
        for (int p = g; p < len; p += groups) {
            acc += __fdiv_rn(scores[p], sum) * vcache[kv_slot(table, p, blockSize, kvDim) + kvo + d];
        }
    }
    part[tid] = acc;
    __syncthreads();
    if (tid < headDim) {
        float o = 0.f;
        for (int gg = 0; gg < groups; gg++) o += part[gg * headDim + tid];
        out[(long long) t * dim + h * headDim + tid] = o;
    }
}
