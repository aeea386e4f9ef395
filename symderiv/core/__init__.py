"""The layer-independent core: symbols, records, the chain rule, proofs, the pipeline."""
