"""The language between Storycam services: every REST body and stream event, as pydantic models.

Depends on pydantic only. A model that changes incompatibly gets a new name (``FooV2``), never a silent edit.
"""
