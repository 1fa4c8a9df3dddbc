"""The built-in rules as pure functions of plain data: no I/O, no hooks, testable alone.

``minsheng.plugins.defaults`` wires them into hooks with the tenant's settings; region plugins may
reuse them with other parameters.
"""
