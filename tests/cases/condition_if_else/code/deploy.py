"""Say which release would be deployed."""

import os

print("deploying", sorted(os.listdir("/opt/ml/processing/release")))
