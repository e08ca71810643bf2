"""The kinds of ``brm new``, one module each, named by the command word (``brm new action``).

A kind module declares ``TYPE`` (the schema type it writes), ``HELP`` (what it writes,
and where), ``DESCRIPTION`` (what is prefilled), ``flags(parser)`` and
``build(scaffold) -> Draft``. :func:`checks.scaffold.registry` finds every module here.
"""
