package dev.gauntlet.bench;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares two builds of these benchmarks in one JVM on one CPU: each jar in its own class loader,
 * the same benchmark method of each timed in alternating slices, who goes first swapped every
 * round. Whatever slows the host during a round slows both builds alike, so each round's B/A
 * ratio keeps the difference; on this project's noisy VMs two JMH runs one after the other differ
 * by more than most kernel changes are worth. Not a replacement for JMH: no forks, no blackhole
 * beyond the benchmark's own result; use it to decide between two builds, then report JMH's numbers.
 *
 * <p>Usage (see {@code inprocess-ab.sh}, which pins the JVM to one CPU):
 * {@code InProcessAB A.jar B.jar Benchmark.method slice-seconds rounds [param=value ...]}. A
 * {@code @Param} field not given takes the first of its declared values, as in JMH.
 */
public final class InProcessAB {
    private static final String PACKAGE = "dev.gauntlet.bench.";
    private static final int WARMUP_ROUNDS = 2;

    private InProcessAB() {
    }

    /** Runs the comparison described above; exits with 2 and a message naming a bad argument. */
    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: InProcessAB A.jar B.jar Benchmark.method slice-seconds rounds [param=value ...]");
            System.exit(2);
        }
        String[] target = args[2].split("\\.", 2);
        if (target.length != 2) {
            fail("benchmark must be Class.method, got '" + args[2] + "'");
        }
        double slice = positive(args[3], "slice-seconds");
        int rounds = (int) positive(args[4], "rounds");
        Map<String, String> params = new HashMap<>();
        for (String p : Arrays.copyOfRange(args, 5, args.length)) {
            String[] kv = p.split("=", 2);
            if (kv.length != 2) {
                fail("parameter must be name=value, got '" + p + "'");
            }
            params.put(kv[0], kv[1]);
        }
        Build a = Build.load(Path.of(args[0]), target[0], target[1], params);
        Build b = Build.load(Path.of(args[1]), target[0], target[1], params);
        double[] ratios = new double[rounds];
        for (int r = -WARMUP_ROUNDS; r < rounds; r++) {
            Build first = (r & 1) == 0 ? a : b;
            double rateFirst = first.rate(slice);
            double rateSecond = (first == a ? b : a).rate(slice);
            double rateA = first == a ? rateFirst : rateSecond;
            double rateB = first == a ? rateSecond : rateFirst;
            if (r >= 0) {
                ratios[r] = rateB / rateA;
                System.out.printf(Locale.ROOT, "round %d: A %.2f/s  B %.2f/s  B/A %.3f%n", r + 1, rateA, rateB, ratios[r]);
            }
        }
        a.tearDown();
        b.tearDown();
        Arrays.sort(ratios);
        System.out.printf(Locale.ROOT, "%s %s: B/A median %.3f (rounds %.3f-%.3f, %d rounds of %.1f s each)%n", args[2],
                params, ratios[rounds / 2], ratios[0], ratios[rounds - 1], rounds, slice);
    }

    private static double positive(String value, String name) {
        try {
            double v = Double.parseDouble(value);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        fail(name + " must be a positive number, got '" + value + "'");
        return 0;
    }

    private static void fail(String message) {
        System.err.println("InProcessAB: " + message);
        System.exit(2);
    }

    /** One jar's benchmark instance, set up, with its method and that method's arguments. */
    private record Build(Object bench, Method method, Object[] arguments, List<Method> tearDowns) {

        static Build load(Path jar, String className, String methodName, Map<String, String> params) throws Exception {
            if (!Files.isRegularFile(jar)) {
                fail("no such jar: " + jar);
            }
            // The platform loader as parent: the jar's own engine classes, not the caller's.
            ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> type = loader.loadClass(PACKAGE + className);
            @SuppressWarnings("unchecked")
            Class<? extends Annotation> param = (Class<? extends Annotation>) loader.loadClass("org.openjdk.jmh.annotations.Param");
            @SuppressWarnings("unchecked")
            Class<? extends Annotation> setup = (Class<? extends Annotation>) loader.loadClass("org.openjdk.jmh.annotations.Setup");
            @SuppressWarnings("unchecked")
            Class<? extends Annotation> tearDown = (Class<? extends Annotation>) loader.loadClass("org.openjdk.jmh.annotations.TearDown");
            Object bench = type.getConstructor().newInstance();
            for (String name : params.keySet()) {
                if (Arrays.stream(type.getFields()).noneMatch(f -> f.getName().equals(name) && f.getAnnotation(param) != null)) {
                    fail(className + " has no @Param '" + name + "'");
                }
            }
            for (Field f : type.getFields()) {
                Annotation p = f.getAnnotation(param);
                if (p != null) {
                    String[] declared = (String[]) param.getMethod("value").invoke(p);
                    set(bench, f, params.getOrDefault(f.getName(), declared[0]));
                }
            }
            List<Method> tearDowns = new ArrayList<>();
            for (Method m : type.getMethods()) {
                if (m.getAnnotation(setup) != null && m.getParameterCount() == 0) {
                    m.invoke(bench);
                }
                if (m.getAnnotation(tearDown) != null && m.getParameterCount() == 0) {
                    tearDowns.add(m);
                }
            }
            Method method = Arrays.stream(type.getMethods()).filter(m -> m.getName().equals(methodName)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no method " + className + "." + methodName));
            Object[] arguments = new Object[method.getParameterCount()];
            for (int i = 0; i < arguments.length; i++) {
                // State objects such as WorkDone: a fresh instance, as JMH would inject.
                arguments[i] = method.getParameterTypes()[i].getConstructor().newInstance();
            }
            return new Build(bench, method, arguments, tearDowns);
        }

        private static void set(Object bench, Field f, String value) throws IllegalAccessException {
            Class<?> t = f.getType();
            if (t == int.class) {
                f.setInt(bench, Integer.parseInt(value));
            } else if (t == long.class) {
                f.setLong(bench, Long.parseLong(value));
            } else if (t == double.class) {
                f.setDouble(bench, Double.parseDouble(value));
            } else if (t == String.class) {
                f.set(bench, value);
            } else {
                fail("cannot set @Param " + f.getName() + " of type " + t.getName());
            }
        }

        /** Calls of the method per second over {@code seconds} (at least one call). */
        double rate(double seconds) throws Exception {
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long calls = 0;
            do {
                method.invoke(bench, arguments);
                calls++;
            } while (System.nanoTime() < end);
            return calls / ((System.nanoTime() - start) / 1e9);
        }

        void tearDown() throws Exception {
            for (Method m : tearDowns) {
                m.invoke(bench);
            }
        }
    }
}
