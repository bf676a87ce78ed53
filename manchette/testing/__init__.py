"""What the tests of every app, and the benches, use to run Manchette for real: servers.py starts and stops
processes (`manchette serve`, Redis…), pytest_plugin.py marks the tests that start them."""
