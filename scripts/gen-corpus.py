#!/usr/bin/env python3
"""Writes the GDeflate benchmark corpus: five kinds of game-asset-like data, the same bytes on
every run (fixed seeds, no dependencies beyond Python 3).

  text.bin      localisation strings, shader and config source: Zipf-distributed words
  vertex.bin    interleaved vertex buffers (position, normal, UV floats) of smooth meshes,
                with their 16-bit index buffers
  json.bin      scene and material descriptions as JSON
  texture.bin   BC1 (DXT1) blocks of smooth noisy images, mip chains included
  mixed.bin     an archive: the kinds above in chunks, already-compressed audio (incompressible),
                and zero padding between 4 KiB-aligned entries

usage: gen-corpus.py [--size MiB] OUTDIR      (default 8 MiB per file)
"""
import argparse
import json
import math
import os
import random
import struct


def words(rng, n):
    syllables = ["ka", "ri", "to", "ne", "sa", "lu", "mor", "tha", "vel", "dra", "en", "is",
                 "quo", "zar", "fen", "gal", "or", "ith", "um", "ash"]
    vocab = set()
    while len(vocab) < n:
        vocab.add("".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))))
    vocab = sorted(vocab)
    rng.shuffle(vocab)
    return vocab


def zipf_picker(rng, items):
    weights = [1.0 / (i + 1) for i in range(len(items))]
    total = sum(weights)
    cumulative, acc = [], 0.0
    for w in weights:
        acc += w / total
        cumulative.append(acc)

    def pick():
        x = rng.random()
        lo, hi = 0, len(cumulative) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if cumulative[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        return items[lo]
    return pick


def gen_text(size, seed):
    rng = random.Random(seed)
    pick = zipf_picker(rng, words(rng, 3000))
    out, n = [], 0
    line_id = 0
    while n < size:
        kind = rng.random()
        if kind < 0.6:  # a localisation entry
            sentence = " ".join(pick() for _ in range(rng.randint(3, 18)))
            line = 'STR_%s_%05d = "%s."\n' % (pick().upper(), line_id, sentence.capitalize())
        elif kind < 0.85:  # shader-like source
            line = "    float%d %s = %s(%s, %s) * %.3f;\n" % (
                rng.choice([1, 2, 3, 4]), pick(), rng.choice(["mul", "dot", "lerp", "saturate"]),
                pick(), pick(), rng.random() * 4)
        else:  # config
            line = "[%s.%s]\nvalue=%d\nenabled=%s\n" % (pick(), pick(), rng.randint(0, 4096),
                                                        rng.choice(["true", "false"]))
        line_id += 1
        out.append(line)
        n += len(line)
    return "".join(out).encode()[:size]


def gen_vertex(size, seed):
    rng = random.Random(seed)
    out = bytearray()
    while len(out) < size:
        # a grid mesh over a bumpy surface: 32-byte vertices, then its triangle indices
        w, h = rng.randint(16, 96), rng.randint(16, 96)
        sx, sy, amp = rng.uniform(0.01, 0.2), rng.uniform(0.01, 0.2), rng.uniform(0.1, 3)
        ox, oy, oz = (rng.uniform(-100, 100) for _ in range(3))
        for j in range(h):
            for i in range(w):
                x, y = ox + i * sx, oy + j * sy
                z = oz + amp * math.sin(x * 0.7) * math.cos(y * 0.5)
                nx, ny = -amp * 0.7 * math.cos(x * 0.7) * math.cos(y * 0.5), \
                    amp * 0.5 * math.sin(x * 0.7) * math.sin(y * 0.5)
                inv = 1 / math.sqrt(nx * nx + ny * ny + 1)
                out += struct.pack("<8f", x, y, z, nx * inv, ny * inv, inv, i / (w - 1),
                                   j / (h - 1))
        for j in range(h - 1):
            for i in range(w - 1):
                a = j * w + i
                out += struct.pack("<6H", a, a + 1, a + w, a + 1, a + w + 1, a + w)
    return bytes(out[:size])


def gen_json(size, seed):
    rng = random.Random(seed)
    pick = zipf_picker(rng, words(rng, 800))
    out, n, i = [], 0, 0
    while n < size:
        obj = {
            "id": i,
            "name": "%s_%s" % (pick(), pick()),
            "type": rng.choice(["mesh", "material", "light", "prefab", "sound"]),
            "transform": {"position": [round(rng.uniform(-500, 500), 3) for _ in range(3)],
                          "rotation": [round(rng.uniform(-1, 1), 4) for _ in range(4)],
                          "scale": [1.0, 1.0, 1.0] if rng.random() < 0.7 else
                          [round(rng.uniform(0.1, 4), 2)] * 3},
            "material": {"albedo": "textures/%s/%s_albedo.dds" % (pick(), pick()),
                         "roughness": round(rng.random(), 2),
                         "metallic": rng.choice([0.0, 1.0]),
                         "flags": [pick() for _ in range(rng.randint(0, 4))]},
            "lod": [{"distance": d, "mesh": "meshes/%s_lod%d.mesh" % (pick(), k)}
                    for k, d in enumerate([0, 25, 60, 150][:rng.randint(1, 4)])],
        }
        text = json.dumps(obj, indent=2, sort_keys=True) + ",\n"
        out.append(text)
        n += len(text)
        i += 1
    return ("[\n" + "".join(out)).encode()[:size]


def bc1_image(rng, w, h):
    """A smooth noisy RGB image encoded as BC1 blocks (endpoints: block min/max)."""
    fx, fy = rng.uniform(0.01, 0.1), rng.uniform(0.01, 0.1)
    base = [rng.uniform(0, 1) for _ in range(3)]
    blocks = bytearray()
    for by in range(0, h, 4):
        for bx in range(0, w, 4):
            px = []
            for y in range(by, by + 4):
                for x in range(bx, bx + 4):
                    v = 0.5 + 0.25 * math.sin(x * fx) + 0.25 * math.cos(y * fy)
                    px.append([min(1.0, max(0.0, v * b + rng.gauss(0, 0.03))) for b in base])
            lo = [min(p[c] for p in px) for c in range(3)]
            hi = [max(p[c] for p in px) for c in range(3)]

            def rgb565(c):
                return (round(c[0] * 31) << 11) | (round(c[1] * 63) << 5) | round(c[2] * 31)
            c0, c1 = rgb565(hi), rgb565(lo)
            if c0 < c1:
                c0, c1 = c1, c0
            span = [hi[c] - lo[c] for c in range(3)]
            norm = sum(s * s for s in span) or 1.0
            idx = 0
            for k, p in enumerate(px):
                t = sum((p[c] - lo[c]) * span[c] for c in range(3)) / norm  # 0 at lo, 1 at hi
                q = min(3, max(0, round((1 - t) * 3)))  # 0 = c0 (hi) .. 3 = c1 (lo)
                idx |= [0, 2, 3, 1][q] << (2 * k)
            blocks += struct.pack("<HHI", c0, c1, idx)
    return blocks


def gen_texture(size, seed):
    rng = random.Random(seed)
    out = bytearray()
    while len(out) < size:
        side = rng.choice([64, 128, 256])
        s = side
        while s >= 4 and len(out) < size:  # the mip chain
            out += bc1_image(rng, s, s)
            s //= 2
    return bytes(out[:size])


def gen_mixed(size, seed, parts):
    rng = random.Random(seed)
    out = bytearray()
    while len(out) < size:
        kind = rng.random()
        n = rng.randint(2048, 262144)
        if kind < 0.12:  # already-compressed audio / video: incompressible
            chunk = rng.getrandbits(8 * n).to_bytes(n, "little")
        else:
            src = parts[rng.randrange(len(parts))]
            at = rng.randrange(max(1, len(src) - n))
            chunk = src[at:at + n]
        out += chunk
        out += bytes((-len(out)) % 4096)  # entries are 4 KiB aligned
    return bytes(out[:size])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=float, default=8, help="MiB per file (default 8)")
    ap.add_argument("outdir")
    args = ap.parse_args()
    size = int(args.size * (1 << 20))
    os.makedirs(args.outdir, exist_ok=True)
    files = {
        "text.bin": gen_text(size, 1),
        "vertex.bin": gen_vertex(size, 2),
        "json.bin": gen_json(size, 3),
        "texture.bin": gen_texture(size, 4),
    }
    files["mixed.bin"] = gen_mixed(size, 5, list(files.values()))
    for name, data in files.items():
        with open(os.path.join(args.outdir, name), "wb") as f:
            f.write(data)
        print("%s/%s: %d bytes" % (args.outdir, name, len(data)))


if __name__ == "__main__":
    main()
