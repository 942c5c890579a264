#!/bin/sh
# Times the slicing-by-8 CRC-32 ptrain had until commit e792fa8 against zlib's crc32_z on 14.3 MB (the size of
# an H = 4500 checkpoint), 20 rounds (minimum and median); the figures are in Sources/Model/Persistence/CRC32.swift.
#   Scripts/crc32-versus-zlib.sh
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$root" show e792fa8:Sources/Model/Persistence/CRC32.swift > "$work/CRC32.swift"
cp "$root/Scripts/crc32-versus-zlib.swift" "$work/main.swift"
swiftc -O -target-cpu native -I "$root/Sources/CZlib" "$work/CRC32.swift" "$work/main.swift" -o "$work/bench"
"$work/bench"
