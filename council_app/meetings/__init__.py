"""Meetings (회의): one sitting of one body on one day, and its order of business."""
