"""Text as mazmun reads it: encodings, file formats, Farsi (hazm) and English, speaker lines,
time marks. Pure functions of text; hazm's normalizer and lemmatizer load once on first use."""
