"""Automatic codes against human coding: the coding table, locating quotes, metrics, the
comparison and its report, and codebooks compared by meaning. Pure."""
