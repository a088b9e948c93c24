package dev.gauntlet.engine.sampling;

/**
 * Partial selection of the largest entries of a logit row: O(n log k) with a k-sized heap, so
 * that top-k, nucleus sampling and top logprobs over a 128k vocabulary avoid a full sort.
 */
final class TopTokens {
    private TopTokens() {
    }

    /**
     * The ids of the {@code k} largest values of {@code row[offset .. offset+n)}, largest first;
     * equal values are ordered by lower id first, so results are deterministic.
     */
    static int[] largest(float[] row, int offset, int n, int k) {
        k = Math.min(k, n);
        int[] heap = new int[k]; // min-heap: heap[0] is the weakest kept id
        int size = 0;
        for (int id = 0; id < n; id++) {
            if (size < k) {
                heap[size] = id;
                siftUp(heap, size++, row, offset);
            } else if (k > 0 && before(id, heap[0], row, offset)) {
                heap[0] = id;
                siftDown(heap, size, row, offset);
            }
        }
        // Pop the weakest repeatedly into the tail: the result comes out strongest first.
        for (int end = size - 1; end > 0; end--) {
            int weakest = heap[0];
            heap[0] = heap[end];
            heap[end] = weakest;
            siftDown(heap, end, row, offset);
        }
        return heap;
    }

    /** Whether id {@code a} ranks before id {@code b}: larger value, or equal value and lower id. */
    static boolean before(int a, int b, float[] row, int offset) {
        float va = row[offset + a];
        float vb = row[offset + b];
        return va > vb || (va == vb && a < b);
    }

    private static void siftUp(int[] heap, int i, float[] row, int offset) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(heap[parent], heap[i], row, offset)) {
                break;
            }
            swap(heap, i, parent);
            i = parent;
        }
    }

    private static void siftDown(int[] heap, int size, float[] row, int offset) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                return;
            }
            int weaker = l;
            int r = l + 1;
            if (r < size && before(heap[weaker], heap[r], row, offset)) {
                weaker = r;
            }
            if (!before(heap[i], heap[weaker], row, offset)) {
                return;
            }
            swap(heap, i, weaker);
            i = weaker;
        }
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
