"""The hidden-size table of docs/results.md from a sweep directory: per size, over the first E epochs (default 50)
of h<H>/metrics.csv, the best test accuracy (spike readout) and its epoch, the mean and standard deviation of
epochs 21..E (the plateau), the accuracy at epoch E, and the median seconds per epoch. With --averaged FILE
(lines "H accuracy"), a column for the weights averaged over epochs 6..E (`ptrain average`, `ptrain eval`).

    python3 docs/scripts/sweep_table.py SWEEP_DIR [--epochs 50] [--averaged FILE]
"""
import csv, os, statistics, sys

args = sys.argv[1:]
sweep = args[0]
epochs = int(args[args.index("--epochs") + 1]) if "--epochs" in args else 50
averaged = {}
if "--averaged" in args:
    for line in open(args[args.index("--averaged") + 1]):
        if line.strip():
            size, accuracy = line.split()[:2]
            averaged[int(size)] = accuracy

rows = []
for name in os.listdir(sweep):
    path = os.path.join(sweep, name, "metrics.csv")
    if not (name.startswith("h") and name[1:].isdigit() and os.path.exists(path)):
        continue
    records = list(csv.DictReader(open(path)))[:epochs]
    spike = [100 * float(r["test_accuracy_spike"]) for r in records]
    seconds = [float(r["seconds"]) for r in records]
    best = max(spike)
    plateau = spike[20:]
    rows.append((int(name[1:]), best, spike.index(best) + 1, statistics.mean(plateau), statistics.pstdev(plateau),
                 spike[-1], statistics.median(seconds), len(records)))

header = "| hidden | best test (epochs 1–{e}) | at epoch | mean of epochs 21–{e} | at epoch {e} |".format(e=epochs)
header += (" weights averaged over 6–{e} |".format(e=epochs) if averaged else "") + " s/epoch (median) |"
print(header)
print("|---" * (header.count("|") - 1) + "|")
for size, best, at, mean, sd, last, median, count in sorted(rows):
    line = f"| {size} | {best:.2f}% | {at} | {mean:.2f}% ± {sd:.2f} | {last:.2f}% |"
    if averaged:
        line += f" {averaged.get(size, '—')} |"
    print(line + f" {median:.1f} |")
