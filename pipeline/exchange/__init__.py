"""Exchange with QDA programs: REFI-QDA projects (.qdpx) and codebooks (.qdc), read and
written as bytes."""
