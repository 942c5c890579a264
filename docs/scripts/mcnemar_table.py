"""Pools `ptrain compare` rows (one per seed) by configuration: the sum of b (A right, B wrong) and c (A wrong,
B right) over seeds and the exact two-sided binomial p of the pooled counts. The seeds share their 10,000 test
images, so the pooled p is descriptive (as `ptrain compare` says), not a test over seeds.

    python3 docs/scripts/mcnemar_table.py FILE    (lines "NAME SEED | 1 | A | B | accA | accB | b | c | …")
"""
import math, sys


def exact_p(b, c):
    n, k = b + c, min(b, c)
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n
    return min(1.0, 2 * tail)


pooled = {}
for line in open(sys.argv[1]):
    name, seed, rest = line.split(" ", 2)
    cells = [c.strip() for c in rest.strip().strip("|").split("|")]
    b, c = int(cells[5]), int(cells[6])
    entry = pooled.setdefault(name, [0, 0, []])
    entry[0] += b
    entry[1] += c
    entry[2].append(f"s{seed}: b {b}, c {c}, p {float(cells[7]):.3g}")
print("| B (against A = the paper's configuration) | seeds | pooled b (A right, B wrong) | pooled c (A wrong, B right) | exact p, pooled | per seed |")
print("|---|---|---|---|---|---|")
for name, (b, c, seeds) in pooled.items():
    print(f"| {name} | {len(seeds)} | {b} | {c} | {exact_p(b, c):.2g} | {'; '.join(seeds)} |")
