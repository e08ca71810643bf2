"""Evidence bundles: everything an auditor asks about a customer, in one file that proves itself.

``brm bundle`` (:mod:`.command`) takes a :class:`~checks.snapshot.Snapshot` (the
repository as one commit holds it), judges it, and writes one zip (:mod:`.build`): the
document (:mod:`.document`, its sections in ``sections.yaml`` and its stylesheet in
``bundle.css``), the PDF of it (:mod:`.pdf`), the findings, the cited evidence files
byte for byte, a manifest with every file's hash, and ``SHA256SUMS``; optionally signed
(:mod:`.signing`). ``brm verify`` (:mod:`.verify`) proves a bundle whole or tampered.
"""
