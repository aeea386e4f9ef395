"""Closed-form formulas: expression trees (``nodes``) over array operators (``operators``)."""
