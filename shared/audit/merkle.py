"""The Merkle tree of Certificate Transparency (RFC 6962 §2.1, RFC 9162 §2.1), with its two proofs.

Standard library only: the standalone verifier (`shared.audit.verify`) imports this module and
nothing else of the project.

- leaf hash  = SHA-256(0x00 || leaf data)
- node hash  = SHA-256(0x01 || left || right)
- MTH(D[n])  = the node hash of MTH(D[0:k]) and MTH(D[k:n]), k the largest power of two < n;
  the hash of the empty tree is SHA-256 of nothing.

Proofs are produced from a function `mth(start, end)` giving the tree hash of leaves
[start, end), so a store can answer it from whatever it keeps (stored block roots, a few leaves)
instead of every leaf. Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

TreeHash = Callable[[int, int], bytes]


class ProofError(ValueError):
    """A proof does not hold (or is malformed)."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def leaf_hashes(data: bytes) -> list[bytes]:
    """`leaf_hash` of each HASH_SIZE-byte piece of `data`, in one pass (the checkpointer's reads)."""
    sha = hashlib.sha256
    return [sha(b"\x00" + data[i : i + HASH_SIZE]).digest() for i in range(0, len(data), HASH_SIZE)]


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly below n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH over already hashed leaves."""
    if not leaf_hashes:
        return EMPTY_ROOT
    return subtree_root(leaf_hashes, 0, len(leaf_hashes))


def subtree_root(leaf_hashes: Sequence[bytes], start: int, end: int) -> bytes:
    """MTH of leaf_hashes[start:end] (end > start), without copying slices."""
    n = end - start
    if n == 1:
        return leaf_hashes[start]
    k = split_point(n)
    return node_hash(subtree_root(leaf_hashes, start, start + k), subtree_root(leaf_hashes, start + k, end))


def perfect_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH of a power-of-two count of leaf hashes, a level at a time (equals `subtree_root`; the
    checkpointer's fast path for a whole block, with no call per node)."""
    n = len(leaf_hashes)
    if n == 0 or n & (n - 1):
        raise ValueError("a perfect tree has a power-of-two number of leaves")
    sha = hashlib.sha256
    level = list(leaf_hashes)
    while len(level) > 1:
        level = [sha(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)]
    return level[0]


def mth_over(leaf_hashes: Sequence[bytes]) -> TreeHash:
    """`mth(start, end)` over a list of leaf hashes held in memory."""
    return lambda start, end: subtree_root(leaf_hashes, start, end)


# -- producing proofs (RFC 6962 §2.1.1 PATH and §2.1.2 SUBPROOF) ----------------------------------


def inclusion_proof(mth: TreeHash, index: int, size: int) -> list[bytes]:
    """PATH(index, D[size]): the sibling hashes from the leaf up to the root."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    return _path(mth, index, 0, size)


def _path(mth: TreeHash, index: int, start: int, end: int) -> list[bytes]:
    n = end - start
    if n == 1:
        return []
    k = split_point(n)
    if index < start + k:
        return [*_path(mth, index, start, start + k), mth(start + k, end)]
    return [*_path(mth, index, start + k, end), mth(start, start + k)]


def consistency_proof(mth: TreeHash, old_size: int, size: int) -> list[bytes]:
    """PROOF(old_size, D[size]): what shows the tree of old_size is a prefix of the tree of size."""
    if not 0 <= old_size <= size:
        raise ValueError(f"no consistency proof from {old_size} to {size}")
    if old_size in (0, size):
        return []
    return _subproof(mth, old_size, 0, size, True)


def _subproof(mth: TreeHash, m: int, start: int, end: int, whole: bool) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if whole else [mth(start, end)]
    k = split_point(n)
    if m <= k:
        return [*_subproof(mth, m, start, start + k, whole), mth(start + k, end)]
    return [*_subproof(mth, m - k, start + k, end, False), mth(start, start + k)]


# -- verifying proofs (RFC 9162 §2.1.3.2 and §2.1.4.2) -------------------------------------------


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that `proof` leads to from the leaf hash at `index` of a tree of `size`."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of {size}")
    _check_hashes([leaf, *proof])
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the inclusion proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the inclusion proof is shorter than the tree is deep")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> None:
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise ProofError(f"the inclusion proof of leaf {index} does not lead to the root of tree size {size}")


def verify_consistency(old_size: int, size: int, old_root: bytes, root: bytes, proof: Sequence[bytes]) -> None:
    """Raise ProofError unless `proof` shows the tree (old_size, old_root) is a prefix of (size, root)."""
    if not 0 <= old_size <= size:
        raise ProofError(f"tree size went from {old_size} down to {size}")
    _check_hashes([*proof])
    if old_size == size:
        if proof or old_root != root:
            raise ProofError("equal sizes need equal roots and an empty proof")
        return
    if old_size == 0:
        if proof:
            raise ProofError("a proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError("empty consistency proof")
    path = list(proof)
    # When old_size is a power of two the old root itself is the proof's unstated first node.
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fr, sr = _consistency_roots(old_size, size, path)
    if fr != old_root:
        raise ProofError(f"the consistency proof does not lead to the root of tree size {old_size}")
    if sr != root:
        raise ProofError(f"the consistency proof does not lead to the root of tree size {size}")


def _consistency_roots(old_size: int, size: int, path: Sequence[bytes]) -> tuple[bytes, bytes]:
    """RFC 9162 §2.1.4.2 steps 3-7: the old and the new root the path leads to."""
    fn, sn = old_size - 1, size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the consistency proof is too short")
    return fr, sr


def _check_hashes(hashes: Sequence[bytes]) -> None:
    if any(len(h) != HASH_SIZE for h in hashes):
        raise ProofError("a hash in the proof is not 32 bytes")


class CompactTree:
    """The right edge of a growing tree: one root per perfect subtree (a binary counter of sizes).

    Appending is O(1) amortised; `root()` folds the edge from the right, which is MTH of all the
    leaves appended (a tree of n leaves is its perfect subtrees, largest first, per n's bits).
    """

    def __init__(self) -> None:
        self.size = 0
        self._edge: list[bytes] = []  # roots of perfect subtrees, largest first

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash."""
        self._edge.append(leaf)
        self.size += 1
        n = self.size
        while n & 1 == 0:
            right = self._edge.pop()
            self._edge[-1] = node_hash(self._edge[-1], right)
            n >>= 1

    def edge(self) -> list[bytes]:
        """The roots of the perfect subtrees the tree is made of, largest first."""
        return list(self._edge)

    def root(self) -> bytes:
        if not self._edge:
            return EMPTY_ROOT
        r = self._edge[-1]
        for h in reversed(self._edge[:-1]):
            r = node_hash(h, r)
        return r
