package dev.gauntlet.load.campaign;

/**
 * The arithmetic of a capacity search, apart from running stages: the rate to probe next given the
 * outcomes so far. Rates grow by {@code growth} from {@code start} while they pass; after the first
 * failure the search bisects between the highest passing and the lowest failing rate until they are
 * within {@code precision} (relative) of each other. When the very first rate fails, it halves
 * downwards until one passes or the rate falls below {@code start / 64}.
 */
final class RateBisection {
    private final double start;
    private final double growth;
    private final double precision;
    private double highestPass = Double.NaN;
    private double lowestFail = Double.NaN;

    RateBisection(double start, double growth, double precision) {
        if (!(start > 0) || !(growth > 1) || !(precision > 0 && precision < 1)) {
            throw new IllegalArgumentException("a capacity search needs a start rate > 0, growth > 1 and a precision in (0, 1),"
                    + " got " + start + ", " + growth + ", " + precision);
        }
        this.start = start;
        this.growth = growth;
        this.precision = precision;
    }

    /** Records how a probe at {@code rate} went. */
    void record(double rate, boolean passed) {
        if (passed) {
            highestPass = Double.isNaN(highestPass) ? rate : Math.max(highestPass, rate);
        } else {
            lowestFail = Double.isNaN(lowestFail) ? rate : Math.min(lowestFail, rate);
        }
    }

    /** Whether the answer is known to the precision (or no rate worth probing is left). */
    boolean converged() {
        if (Double.isNaN(lowestFail)) {
            return false;
        }
        if (Double.isNaN(highestPass)) {
            return lowestFail / 2 < start / 64;
        }
        return lowestFail - highestPass <= precision * highestPass;
    }

    /** The rate to probe next. */
    double next() {
        if (Double.isNaN(highestPass) && Double.isNaN(lowestFail)) {
            return start;
        }
        if (Double.isNaN(lowestFail)) {
            return highestPass * growth;
        }
        if (Double.isNaN(highestPass)) {
            return lowestFail / 2;
        }
        return (highestPass + lowestFail) / 2;
    }

    /** The highest rate that passed, or NaN when none did. */
    double highestPass() {
        return highestPass;
    }

    /** The lowest rate that failed, or NaN when none did. */
    double lowestFail() {
        return lowestFail;
    }
}
