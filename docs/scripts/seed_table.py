"""Per-configuration mean ± sd over seeds of independent `ptrain train` runs (docs/results.md, issue #13).

Each run directory is named NAME-s<seed> and holds a metrics.csv with a validation split. For every run:
  selected  the test spike accuracy at the epoch with the best validation spike accuracy (first on a tie),
  relaxed   the relaxed readout's test accuracy at that same epoch,
  final     the test spike accuracy of the last epoch,
  averaged  the averaged weights' test spike accuracy at the last epoch (metrics.csv's averaged_test_accuracy_spike,
            from `averageFrom`), or, for runs trained without it, the number in RUN/averaged-test.txt written by
            `ptrain average RUN --epochs A...B` + `ptrain eval` (bit-identical weights to `averageFrom` A at epoch B).
Nothing here looks at test accuracies to choose anything: the epoch is chosen on validation, the averaging window
is fixed in advance. Rows: NAME, n seeds, mean ± sample sd of each column, the seeds' values.

    python3 docs/scripts/seed_table.py DIR [DIR ...]        (a parent directory's NAME-s<seed> subdirectories)
"""
import csv, os, re, statistics, sys


def run_numbers(path):
    records = list(csv.DictReader(open(os.path.join(path, "metrics.csv"))))
    if not records or "validation_accuracy_spike" not in records[0]:
        return None
    best = max(range(len(records)), key=lambda i: (float(records[i]["validation_accuracy_spike"]), -i))
    selected = 100 * float(records[best]["test_accuracy_spike"])
    relaxed = 100 * float(records[best]["test_accuracy_relaxed"])
    final = 100 * float(records[-1]["test_accuracy_spike"])
    averaged = None
    if records[-1].get("averaged_test_accuracy_spike"):
        averaged = 100 * float(records[-1]["averaged_test_accuracy_spike"])
    elif os.path.exists(os.path.join(path, "averaged-test.txt")):
        averaged = float(open(os.path.join(path, "averaged-test.txt")).read().split()[0])
    return dict(selected=selected, relaxed=relaxed, selected_epoch=best + 1, final=final, averaged=averaged, epochs=len(records))


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return "—"
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{statistics.mean(values):.2f} ± {statistics.stdev(values):.2f}"


groups = {}
for parent in sys.argv[1:]:
    for name in sorted(os.listdir(parent)):
        match = re.fullmatch(r"(.+)-s(\d+)", name)
        path = os.path.join(parent, name)
        if not match or not os.path.exists(os.path.join(path, "DONE")):
            continue
        numbers = run_numbers(path)
        if numbers:
            groups.setdefault(match.group(1), []).append((int(match.group(2)), numbers))

print("| configuration | seeds | validation-selected epoch: test % (spike) | same epoch, relaxed readout | last epoch: test % | averaged weights, last epoch: test % | per seed (selected / averaged) |")
print("|---|---|---|---|---|---|---|")
for name, runs in groups.items():
    runs.sort()
    per_seed = ", ".join(
        f"s{seed}: {n['selected']:.2f} (e{n['selected_epoch']})"
        + (f" / {n['averaged']:.2f}" if n["averaged"] is not None else "")
        for seed, n in runs)
    print(f"| {name} | {len(runs)} | {summary([n['selected'] for _, n in runs])} | "
          f"{summary([n['relaxed'] for _, n in runs])} | {summary([n['final'] for _, n in runs])} | {summary([n['averaged'] for _, n in runs])} | {per_seed} |")
