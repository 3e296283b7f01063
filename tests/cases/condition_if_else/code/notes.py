"""Write release notes listing the released files."""

import os

with open("/opt/ml/processing/notes/NOTES.txt", "w") as f:
    f.write("\n".join(sorted(os.listdir("/opt/ml/processing/release"))) + "\n")
