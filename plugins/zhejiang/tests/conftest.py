pytest_plugins = ["minsheng.testing"]
