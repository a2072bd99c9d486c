"""Minutes published through the services, as the search tests make them."""

from tests.minutes.conftest import council, make_meeting  # noqa: F401  (fixtures)
from tests.search.conftest import publish  # noqa: F401  (fixture)
