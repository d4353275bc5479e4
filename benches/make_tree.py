#!/usr/bin/env python3
"""The benchmark tree (benches/backup.sh, benches/restore.sh): a big text file of made-up
prose that zstd -1 shrinks about 3x, and small files of 100 B - 20 KB, 100 to a directory.
The big random file is written by the caller with head -c from /dev/urandom.

Usage: make_tree.py SRC_DIR TEXT_BYTES TREE_MB
"""
import os, random, sys

src, text_bytes, mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(20241127)

# A 10 MB chunk of "prose": 2,000 made-up words of English-like letter frequencies, drawn
# with Zipf weights, 12 words a line. zstd -1 makes it about 3x smaller.
letters = "etaoinshrdlcumwfgypbvkjxqz"
freq = [12.7, 9.1, 8.2, 7.5, 7.0, 6.7, 6.3, 6.1, 6.0, 4.3, 4.0, 2.8, 2.8,
        2.4, 2.4, 2.2, 2.0, 2.0, 1.9, 1.5, 1.0, 0.8, 0.15, 0.15, 0.1, 0.07]
vocab = ["".join(rng.choices(letters, freq, k=min(14, int(rng.expovariate(1 / 5)) + 1)))
         for _ in range(2000)]
words = rng.choices(vocab, [1 / (i + 1) for i in range(len(vocab))], k=1_700_000)
parts = []
for i, w in enumerate(words):
    parts.append(w)
    parts.append("\n" if i % 12 == 11 else (", " if i % 7 == 3 else " "))
chunk = "".join(parts).encode()
view = memoryview(chunk)

# The big text file: the chunk over and over, each copy rotated to another line start, so
# no copy lines up with the last one (and zstd's window is far smaller than 10 MB anyway).
with open(os.path.join(src, "big.txt"), "wb") as f:
    left = text_bytes
    while left > 0:
        off = chunk.find(b"\n", rng.randrange(len(chunk))) + 1
        for part in (view[off:], view[:off]):
            n = min(left, len(part))
            f.write(part[:n])
            left -= n

# Small files: 100 B - 20 KB, 100 to a directory; 60% text slices, 40% random bytes.
count = max(100, 20000 * mb // 1000)
rand = os.urandom(1 << 20)
flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
os.makedirs(os.path.join(src, "small"), exist_ok=True)
for d in range(count // 100):
    dpath = os.path.join(src, "small", "d%03d" % d)
    os.mkdir(dpath)
    for j in range(100):
        size = rng.randint(100, 20000)
        pool = chunk if rng.random() < 0.6 else rand
        start = rng.randrange(len(pool) - size)
        fd = os.open(os.path.join(dpath, "f%05d" % (d * 100 + j)), flags, 0o644)
        os.write(fd, pool[start:start + size])
        os.close(fd)
