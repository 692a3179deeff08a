"""mazmun (مضمون, "theme"): candidate codes and themes from Farsi and English interview
transcripts, for qualitative researchers to confirm."""

__version__ = "0.1.0"
