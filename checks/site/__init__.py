"""The auditor site: the model and its findings as pages, handed to MkDocs by a thin plugin.

``pages.render`` is a plain function from evidence to ``{path: markdown}``; ``plugin``
only adds those pages to a MkDocs build. Evidence Markdown is rendered by our own
reader's output and sanitised (``sanitize``) before it reaches a page.
"""
