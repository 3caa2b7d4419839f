#!/usr/bin/env python3
"""Independent reference for docs/relay-sampling.md: recomputes relay committees from the documented
algorithm (ChaCha20 from the `cryptography` package, not libsodium) so the C++ sampler's pinned test
vector is checked against a second implementation. Usage: relay_sampling_ref.py  (prints the vectors)."""
import hashlib
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms


class DeterministicRng:
    def __init__(self, key: bytes):
        self.key, self.block, self.buf = key, 0, b""

    @staticmethod
    def from_label(label: bytes, material: bytes):
        return DeterministicRng(hashlib.sha256(struct.pack("<I", len(label)) + label + material).digest())

    def _bytes(self, n):
        while len(self.buf) < n:
            c = self.block
            nonce16 = struct.pack("<I", c & 0xFFFFFFFF) + struct.pack("<I", c >> 32) + bytes(8)
            enc = Cipher(algorithms.ChaCha20(self.key, nonce16), mode=None).encryptor()
            self.buf += enc.update(bytes(64))
            self.block += 1
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def next_u64(self):
        return struct.unpack("<Q", self._bytes(8))[0]

    def uniform(self, n):
        rem = (2**64) % n
        while True:
            x = self.next_u64()
            if rem == 0 or x < 2**64 - rem:
                return x % n


def slice_rng(msg_id, slot, slice_):
    return DeterministicRng.from_label(b"stakecast/rotor/relays/v1", msg_id + struct.pack("<QI", slot, slice_))


def shred_rng(msg_id, slot, slice_, shred):
    return DeterministicRng.from_label(b"stakecast/rotor/turbine/v1", msg_id + struct.pack("<QII", slot, slice_, shred))


def weights(stakes, exclude=None, reliability=None, stake_permille=1000):
    w = list(stakes)
    if exclude is not None:
        w[exclude] = 0
    if stake_permille == 1000:
        return w
    s_total = sum(w)
    r_total = sum(reliability[v] for v in range(len(w)) if w[v] > 0)
    out = []
    for v in range(len(w)):
        if w[v] == 0:
            out.append(0)
            continue
        s_part = (w[v] << 40) // s_total
        if r_total == 0:
            out.append(s_part)
        else:
            out.append(stake_permille * s_part + (1000 - stake_permille) * ((reliability[v] << 40) // r_total))
    return out


def pick(w, x):  # smallest v with (w[0] + ... + w[v]) > x
    acc = 0
    for v, wv in enumerate(w):
        acc += wv
        if acc > x:
            return v
    raise ValueError


def committee(stakes, msg_id, slot, slice_, count, strategy, exclude=None, regions=None, cap_permille=1000,
              reliability=None, stake_permille=1000):
    w = weights(stakes, exclude, reliability, stake_permille)
    total = sum(w)
    rng = slice_rng(msg_id, slot, slice_)
    out = []
    if strategy == "partition":
        rest = []
        for v, wv in enumerate(w):
            full, r = divmod(wv * count, total)
            out += [v] * full
            rest.append(r)
        for j in range(count - len(out)):
            out.append(pick(rest, j * total + rng.uniform(total)))
        for i in range(len(out) - 1, 0, -1):
            j = rng.uniform(i + 1)
            out[i], out[j] = out[j], out[i]
    elif strategy == "turbine":
        for i in range(count):
            out.append(pick(w, shred_rng(msg_id, slot, slice_, i).uniform(total)))
    else:
        for _ in range(count):
            out.append(pick(w, rng.uniform(total)))
    if cap_permille < 1000:
        cap = max(1, cap_permille * count // 1000)
        used = {}
        for i, v in enumerate(out):
            r = regions[v]
            if r is not None and used.get(r, 0) >= cap:
                open_w = [0 if (regions[u] is not None and used.get(regions[u], 0) >= cap) else w[u]
                          for u in range(len(w))]
                if sum(open_w) > 0:
                    out[i] = pick(open_w, rng.uniform(sum(open_w)))
            r = regions[out[i]]
            if r is not None:
                used[r] = used.get(r, 0) + 1
    return out


def turbine_order(stakes, msg_id, slot, slice_, shred, exclude=None):
    w = weights(stakes, exclude)
    rng = shred_rng(msg_id, slot, slice_, shred)
    remaining, order = list(w), []
    while sum(remaining) > 0:
        v = pick(remaining, rng.uniform(sum(remaining)))
        order.append(v)
        remaining[v] = 0
    zero = [v for v in range(len(w)) if w[v] == 0 and v != exclude]
    for i in range(len(zero) - 1, 0, -1):
        j = rng.uniform(i + 1)
        zero[i], zero[j] = zero[j], zero[i]
    return order + zero


if __name__ == "__main__":
    stakes = [5000, 2500, 1200, 600, 300, 200, 100, 60, 30, 10]
    regions = [0, 0, 1, 0, 1, 2, 2, None, 1, 0]
    msg_id = bytes(range(32))
    slot, slice_ = 42, 3
    print("slice seed key:", slice_rng(msg_id, slot, slice_).key.hex())
    print("iid       ", committee(stakes, msg_id, slot, slice_, 8, "iid", exclude=0))
    print("partition ", committee(stakes, msg_id, slot, slice_, 8, "partition", exclude=0))
    print("turbine   ", committee(stakes, msg_id, slot, slice_, 8, "turbine", exclude=0))
    print("partition capped 250 permille",
          committee(stakes, msg_id, slot, slice_, 8, "partition", exclude=0, regions=regions, cap_permille=250))
    rel = [65535, 0, 65535, 30000, 65535, 65535, 65535, 65535, 65535, 65535]
    print("iid blended 700", committee(stakes, msg_id, slot, slice_, 8, "iid", exclude=0, reliability=rel,
                                       stake_permille=700))
    print("turbine order shred 5", turbine_order(stakes, msg_id, slot, slice_, 5, exclude=0))
