"""The commands ``pipeline.cli`` runs: analyze, compare, export, review, import-codebook.
Each reads and writes through ``pipeline.runs``; none imports another."""
