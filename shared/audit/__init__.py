"""Audit that holds against the operators: Merkle checkpoints, signatures, case bundles (docs/audit.md)."""
