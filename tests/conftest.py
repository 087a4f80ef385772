"""Hypothesis profiles: a few generated inputs per test in the normal suite; ``HYPOTHESIS_PROFILE=fuzz``
(run once by CI) sends 2,000 to every endpoint. Nothing is written into the repository: no example
database, and Hypothesis' caches go to the temporary folder."""

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "lms-hypothesis")

# Each example runs in a transaction that is rolled back (tests.fuzz.fresh), so the function-scoped
# database fixture is shared safely; requests are slower than Hypothesis expects of a pure function.
SHARED = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
}
settings.register_profile("default", max_examples=50, **SHARED)
settings.register_profile("fuzz", max_examples=2000, **SHARED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
