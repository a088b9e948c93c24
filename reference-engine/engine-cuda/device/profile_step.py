"""Sums Nsight Compute's per-kernel durations (ncu --csv --metrics gpu__time_duration.sum) by kernel name."""
import collections
import csv
import sys

total = collections.defaultdict(float)
count = collections.Counter()
rows = [r for r in csv.reader(open(sys.argv[1])) if len(r) > 10]
header = rows[0]
name_at, value_at = header.index("Kernel Name"), header.index("Metric Value")
for r in rows[1:]:
    try:
        ns = float(r[value_at].replace(",", ""))
    except ValueError:
        continue
    name = r[name_at].split("(")[0]
    total[name] += ns / 1e3
    count[name] += 1
for name, us in sorted(total.items(), key=lambda kv: -kv[1]):
    print(f"{name:20s} launches {count[name]:4d}  total {us:9.1f} us  mean {us / count[name]:7.2f} us")
print(f"all kernels: {sum(total.values()):.1f} us")
