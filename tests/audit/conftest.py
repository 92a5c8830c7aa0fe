from tests.trust.conftest import w, world  # noqa: F401  the trust tests' fixture world
