"""The badge block in xblock-sdk's workbench, run by tests/xblock/test_workbench.py in a process of its own."""
