"""Coders' decisions: the records of decisions.jsonl and their schema, their replay over a
run's candidate codebook, and their carry-over to a new run. Pure."""
