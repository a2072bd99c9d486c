"""Minutes published as the search tests publish them."""

from tests.search.conftest import council, make_meeting, publish  # noqa: F401  (fixtures)
