"""The shipped trained model, installed as the ``camdigits.models`` package (see setup.cfg)."""
