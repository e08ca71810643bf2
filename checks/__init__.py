"""brm-evidence: checks for ISO/IEC 20000-1:2018 clause 8.3.2 business relationship evidence."""

__version__ = "0.1.0"
