"""Meetings (회의): one sitting of one body on one day, and its order of business."""

from flask import Blueprint

#: The meetings pages: views.py and order_views.py add their routes to it when imported.
bp = Blueprint("meetings", __name__)
