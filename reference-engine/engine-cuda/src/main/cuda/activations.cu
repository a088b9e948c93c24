// Kernels that produce matrix-product inputs: RMSNorm, SwiGLU and plain conversion, each
// writing either format of common.cuh. One warp handles each aligned 32-element block.
#include "common.cuh"

// RMSNorm's blocks: NORM_THREADS threads (LlamaKernels launches as many), each loading up to
// MAX_NORM_VECS float4s of the row, so dim <= 4 * MAX_NORM_VECS * NORM_THREADS.
#define NORM_THREADS 256
#define MAX_NORM_VECS 8

__device__ __forceinline__ float4 add4(float4 a, float4 b) {
    return make_float4(__fadd_rn(a.x, b.x), __fadd_rn(a.y, b.y), __fadd_rn(a.z, b.z), __fadd_rn(a.w, b.w));
}

// The tensor-parallel ranks' partial sums of float4 v of the row at offset, added in rank order.
// Through L2 only (__ldcg): a peer wrote them, and this multiprocessor's L1 may hold stale lines.
__device__ __forceinline__ float4 partials4(const float* const* parts, int ranks, long long offset, int v) {
    float4 s = __ldcg((const float4*) (parts[0] + offset) + v);
    for (int p = 1; p < ranks; p++) s = add4(s, __ldcg((const float4*) (parts[p] + offset) + v));
    return s;
}

// out[r] = x[rows ? rows[r] : r] / sqrt(mean(x^2) + eps) * w over a grid of (rows, dim /
// NORM_THREADS rounded up) blocks: every block of a row sums the squares of the whole row (16 KB
// for the 8b shape, from L2) and writes its slice of NORM_THREADS elements, one a thread, so
// whole aligned 32-element blocks a warp. Many small blocks rather than one of 1024 threads a
// row: a decode step's norm then starts in the slots a finishing matrix product frees on any
// multiprocessor, and its stores spread, where the 1024-thread block (55 registers a thread)
// needed a multiprocessor of its own (8b Q4_0 batch-1 decode step with graphs on the H100, same
// call: 2.59-2.64 → 2.46-2.48 ms). The arithmetic after the sum follows the CPU model's order
// (scale in double, then x*scale*w).
//
// With tensor parallelism (Reduce), `parts` points at the ranks' partial sums of the last
// row-parallel product: the row normalized is x + (parts[0] + parts[1] + ...), the partials added
// in rank order on every rank so that all keep the same residual stream, and each block writes
// its slice of that sum to `reduced` (the all-reduce). Not back to x: the row's other blocks may
// still be reading it. A template parameter, so that the plain norm carries none of it.
template <bool Reduce, class Out>
__device__ void rmsnorm(const float* x, const float* w, const int* rows, Out out, int dim, float eps,
                        const float* const* parts, int ranks, float* reduced) {
    int i = blockIdx.y * blockDim.x + threadIdx.x;
    float wi = i < dim ? w[i] : 0.f;  // constant: loaded while the previous kernel finishes
    dependent_launch();
    int r = blockIdx.x;
    long long offset = (long long) (rows ? rows[r] : r) * dim;
    const float* xr = x + offset;
    float4 xs[MAX_NORM_VECS];
#pragma unroll
    for (int k = 0; k < MAX_NORM_VECS; k++) {
        int v = threadIdx.x + k * blockDim.x;
        xs[k] = 4 * v < dim ? ((const float4*) xr)[v] : make_float4(0.f, 0.f, 0.f, 0.f);
        if (Reduce && 4 * v < dim) xs[k] = add4(xs[k], partials4(parts, ranks, offset, v));
    }
    float ss = 0.f;
#pragma unroll
    for (int k = 0; k < MAX_NORM_VECS; k++) {
        ss += xs[k].x * xs[k].x + xs[k].y * xs[k].y + xs[k].z * xs[k].z + xs[k].w * xs[k].w;
    }
    ss = block_sum(ss);
    float scale = (float) (1.0 / sqrt((double) ss / dim + (double) eps));
    if (i < dim) {
        float xi = xr[i];
        if (Reduce) {
            float sum = __ldcg(parts[0] + offset + i);
            for (int p = 1; p < ranks; p++) sum = __fadd_rn(sum, __ldcg(parts[p] + offset + i));
            xi = __fadd_rn(xi, sum);
            reduced[offset + i] = xi;
        }
        out.store(__fmul_rn(__fmul_rn(xi, scale), wi), (long long) r * dim + i);  // whole warps
    }
}

extern "C" __global__ void __launch_bounds__(NORM_THREADS) rmsnorm_q8_0(const float* x, const float* w, const int* rows, int8_t* q, float* d,
                                        int dim, float eps) {
    rmsnorm<false>(x, w, rows, ActQ8_0{q, d}, dim, eps, nullptr, 0, nullptr);
}

extern "C" __global__ void __launch_bounds__(NORM_THREADS) rmsnorm_f16(const float* x, const float* w, const int* rows, __half* h, float* unused,
                                       int dim, float eps) {
    rmsnorm<false>(x, w, rows, ActF16{h}, dim, eps, nullptr, 0, nullptr);
}

extern "C" __global__ void __launch_bounds__(NORM_THREADS) rmsnorm_reduce_q8_0(const float* x, const float* w, const int* rows,
        int8_t* q, float* d, int dim, float eps, const float* const* parts, int ranks, float* reduced) {
    rmsnorm<true>(x, w, rows, ActQ8_0{q, d}, dim, eps, parts, ranks, reduced);
}

extern "C" __global__ void __launch_bounds__(NORM_THREADS) rmsnorm_reduce_f16(const float* x, const float* w, const int* rows,
        __half* h, float* unused, int dim, float eps, const float* const* parts, int ranks, float* reduced) {
    rmsnorm<true>(x, w, rows, ActF16{h}, dim, eps, parts, ranks, reduced);
}

// gu holds n rows of [gate (ffn) | up (ffn)]; writes silu(gate) * up, n rows of ffn.
template <class Out>
__device__ void swiglu(const float* gu, Out out, int ffn, int n) {
    dependent_launch();
    long long block = (long long) blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    if (block >= (long long) n * ffn / QK) return;  // whole warps leave together
    long long e = block * QK + (threadIdx.x & 31);
    long long t = e / ffn;
    long long i = e % ffn;
    float g = gu[t * 2 * ffn + i];
    float u = gu[t * 2 * ffn + ffn + i];
    float silu = __fdiv_rn(g, __fadd_rn(1.f, (float) exp(-(double) g)));
    out.store(__fmul_rn(silu, u), e);
}

extern "C" __global__ void swiglu_q8_0(const float* gu, int8_t* q, float* d, int ffn, int n) {
    swiglu(gu, ActQ8_0{q, d}, ffn, n);
}

extern "C" __global__ void swiglu_f16(const float* gu, __half* h, float* unused, int ffn, int n) {
    swiglu(gu, ActF16{h}, ffn, n);
}

// Rounds n floats (a multiple of 32) into the format.
template <class Out>
__device__ void convert(const float* x, Out out, long long n) {
    dependent_launch();
    long long block = (long long) blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    if (block >= n / QK) return;
    long long e = block * QK + (threadIdx.x & 31);
    out.store(x[e], e);
}

extern "C" __global__ void convert_q8_0(const float* x, int8_t* q, float* d, long long n) {
    convert(x, ActQ8_0{q, d}, n);
}

extern "C" __global__ void convert_f16(const float* x, __half* h, float* unused, long long n) {
    convert(x, ActF16{h}, n);
}
