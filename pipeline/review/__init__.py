"""The review page: what it shows and what a coder's action becomes (pure), and the page
itself (``page/``). Its server is ``pipeline.commands.review``."""
