// Kernels that produce matrix-product inputs: RMSNorm, SwiGLU and plain conversion, each
// writing either format of common.cuh. One warp handles each aligned 32-element block.
#include "common.cuh"

// Elements of a row per RMSNorm thread, at most: dim <= MAX_NORM_ITEMS * blockDim.x. Launched
// with NORM_THREADS (LlamaKernels), which the launch bounds cap so that the registers fit.
#define MAX_NORM_ITEMS 8
#define NORM_THREADS 1024

// out[r] = x[rows ? rows[r] : r] / sqrt(mean(x^2) + eps) * w, one thread block per row; the
// arithmetic after the sum follows the CPU model's order (scale in double, then x*scale*w).
// Thread t holds elements t, t + blockDim.x, ... of x and w in registers from the one pass that
// sums the squares: element t + k*blockDim.x is lane t%32 of the aligned block t/32 +
// k*blockDim.x/32, so each warp then stores whole blocks without reading the row again.
template <class Out>
__device__ void rmsnorm(const float* x, const float* w, const int* rows, Out out, int dim, float eps) {
    dependent_launch();
    int r = blockIdx.x;
    const float* xr = x + (long long) (rows ? rows[r] : r) * dim;
    float xs[MAX_NORM_ITEMS];
    float ws[MAX_NORM_ITEMS];
    float ss = 0.f;
#pragma unroll
    for (int k = 0; k < MAX_NORM_ITEMS; k++) {
        int i = threadIdx.x + k * blockDim.x;
        if (i < dim) {
            xs[k] = xr[i];
            ws[k] = w[i];
            ss += xs[k] * xs[k];
        }
    }
    ss = block_sum(ss);
    float scale = (float) (1.0 / sqrt((double) ss / dim + (double) eps));
#pragma unroll
    for (int k = 0; k < MAX_NORM_ITEMS; k++) {
        int i = threadIdx.x + k * blockDim.x;
        if (i < dim) out.store(__fmul_rn(__fmul_rn(xs[k], scale), ws[k]), (long long) r * dim + i);  // whole warps
    }
}

extern "C" __global__ void __launch_bounds__(NORM_THREADS) rmsnorm_q8_0(const float* x, const float* w, const int* rows, int8_t* q, float* d,
                                        int dim, float eps) {
    rmsnorm(x, w, rows, ActQ8_0{q, d}, dim, eps);
}

extern "C" __global__ void __launch_bounds__(NORM_THREADS) rmsnorm_f16(const float* x, const float* w, const int* rows, __half* h, float* unused,
                                       int dim, float eps) {
    rmsnorm(x, w, rows, ActF16{h}, dim, eps);
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
