"""The /api/v1 blueprint that every API module adds its routes to (forum/api/__init__.py
imports the modules and registers it)."""

from flask import Blueprint

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
