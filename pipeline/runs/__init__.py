"""The run folder on disk: read once into a ``RunFolder``, its files rendered and written
atomically, the decisions log appended, the transcripts read again."""
