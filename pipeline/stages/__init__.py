"""The pipeline's stages, one module each (with their helpers: interviewers, study, context,
codebook), as ``pipeline.flow.STAGES`` declares them. Pure: no file is read or written here,
and models come in as arguments."""
