"""The platform's tests use the same fixtures plugin authors get (``minsheng.testing``)."""

pytest_plugins = ["minsheng.testing"]
