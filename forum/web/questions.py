"""Placeholder: being written."""

from flask import Blueprint

bp = Blueprint("questions", __name__)
