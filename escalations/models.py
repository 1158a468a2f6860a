"""Django loads the app's models from here; each domain keeps its own models."""

from escalations.ai import models as ai  # noqa: F401
from escalations.core import models as core  # noqa: F401
from escalations.governance import models as governance  # noqa: F401
from escalations.incidents import models as incidents  # noqa: F401
from escalations.rules import models as rules  # noqa: F401
from escalations.sla import models as sla  # noqa: F401
from escalations.tickets import models as tickets  # noqa: F401
