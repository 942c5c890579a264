"""Compares two run directories the way the resume tests do (docs/checkpoint-format.md, "Timing lives apart"):
every checkpoint both hold, byte for byte without its TIME section; weights.bin byte for byte; metrics.csv
without its seconds and samples/s columns. Prints one line per file and exits 1 on any difference.

    python3 docs/scripts/compare_runs.py RUN_A RUN_B
"""
import os, struct, sys

def without_timing(path):
    b = open(path, "rb").read()
    header = struct.unpack_from("<I", b, 12)[0]
    count = struct.unpack_from("<I", b, 40)[0]
    offset, out = header, bytearray(b[:header])
    for _ in range(count):
        tag = b[offset:offset + 4]
        length = struct.unpack_from("<Q", b, offset + 4)[0]
        end = offset + 16 + length
        if tag != b"TIME":
            out += b[offset:end]
        offset = end
    return bytes(out)

def accuracy_columns(path):
    return [",".join(line.split(",")[:4]) for line in open(path).read().splitlines()]

a, b = sys.argv[1], sys.argv[2]
same = True
checkpoints = sorted(set(f for f in os.listdir(a) if f.endswith(".ckpt")) & set(os.listdir(b)))
for name in checkpoints:
    equal = without_timing(os.path.join(a, name)) == without_timing(os.path.join(b, name))
    same &= equal
    print(f"{name}: {'identical' if equal else 'DIFFERENT'} (without TIME)")
equal = open(os.path.join(a, "weights.bin"), "rb").read() == open(os.path.join(b, "weights.bin"), "rb").read()
same &= equal
print(f"weights.bin: {'identical' if equal else 'DIFFERENT'}")
ma, mb = accuracy_columns(os.path.join(a, "metrics.csv")), accuracy_columns(os.path.join(b, "metrics.csv"))
equal = ma == mb
same &= equal
print(f"metrics.csv: {'identical' if equal else 'DIFFERENT'} accuracy columns over {len(ma) - 1} epochs")
sys.exit(0 if same else 1)
