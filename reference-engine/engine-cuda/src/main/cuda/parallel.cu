// Tensor parallelism's own kernels: the barrier that lines the ranks up before one reads what
// the others wrote, and the gather of the vocabulary-split logits. The all-reduce itself is the
// sum RMSNorm does while it loads its row (activations.cu), so it costs no pass of its own.
//
// Every buffer a rank shares is reached through a table of device pointers, one per rank, so a
// kernel serves any number of ranks, on one device or on peers (unified addressing).
#include "common.cuh"

__device__ __forceinline__ void store_release(unsigned* p, unsigned v) {
    asm volatile("st.release.sys.global.u32 [%0], %1;" ::"l"(p), "r"(v) : "memory");
}

__device__ __forceinline__ unsigned load_acquire(const unsigned* p) {
    unsigned v;
    asm volatile("ld.acquire.sys.global.u32 %0, [%1];" : "=r"(v) : "l"(p) : "memory");
    return v;
}

// Rank `rank` arrives and waits until every rank has. Rank r's signal words: [0] how many
// barriers r has passed, [1 + p] how many rank p has reached. Counts live on the device, so a
// captured graph replays correctly; comparing by difference survives their wrap-around. Lane p
// tells rank p and waits for it. One warp: a spinning barrier must never hold the SMs that the
// other ranks' kernels need when ranks share a device.
//
// It waits for the kernel before it (programmatic dependent launch, see common.cuh) but does not
// let the next one launch early: that one's blocks would sit on the multiprocessors while this
// barrier spins, and where ranks share a device they could starve the other ranks' kernels that
// this barrier waits for.
extern "C" __global__ void tp_barrier(unsigned* const* signals, int rank, int ranks) {
    asm volatile("griddepcontrol.wait;" ::: "memory");
    unsigned* own = signals[rank];
    unsigned epoch = 0;
    if (threadIdx.x == 0) {
        epoch = own[0] + 1;
        own[0] = epoch;
    }
    epoch = __shfl_sync(0xffffffffu, epoch, 0);
    int p = threadIdx.x;
    if (p < ranks) {
        // The kernels before this one wrote the shared buffers; the release makes those
        // writes visible to the peer before it sees the count.
        __threadfence_system();
        store_release(signals[p] + 1 + rank, epoch);
        while ((int) (load_acquire(own + 1 + p) - epoch) < 0) {
        }
    }
}

// The first column of rank p's slice of `vocab` columns split over `ranks`
// (TensorParallelPlan.vocabStart).
__device__ __forceinline__ int slice_start(int p, int vocab, int ranks) {
    return (int) ((long long) p * vocab / ranks);
}

// out[r][c] = column c of row r from the rank whose slice holds c; parts[p] holds its slice's
// rows back to back.
extern "C" __global__ void tp_gather(float* out, const float* const* parts, int rows, int vocab, int ranks) {
    dependent_launch();
    int c = blockIdx.x * blockDim.x + threadIdx.x;
    int r = blockIdx.y;
    if (c >= vocab) return;
    int p = min(ranks - 1, (int) ((long long) c * ranks / vocab));
    while (slice_start(p, vocab, ranks) > c) p--;
    while (p + 1 < ranks && slice_start(p + 1, vocab, ranks) <= c) p++;
    int start = slice_start(p, vocab, ranks);
    int width = slice_start(p + 1, vocab, ranks) - start;
    out[(long long) r * vocab + c] = __ldcg(parts[p] + (long long) r * width + (c - start));
}
