"""The management report: how the customer relationships went in a period, from the evidence.

:mod:`.period` names the period; :mod:`.figures` computes every figure from the model
with the checks' own computations; :mod:`.history` judges the repository at each month
end from git; :mod:`.attention` says in sentences what needs management attention; one
module per output format writes it (:mod:`.markdown`, :mod:`.html`, :mod:`.json`).
"""
