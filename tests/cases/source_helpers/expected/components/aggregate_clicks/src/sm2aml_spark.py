"""Entry of a converted Spark step: runs the SageMaker Spark application as __main__.

SageMaker ran `smspark-submit [options] app.py args...`. The converted spark component ships app.py as
one of its py_files (on the PYTHONPATH of the driver and the executors) and starts this file with
`app.py args...`; it finds the application and runs it with those arguments, as spark-submit would.
Standard library only.
"""

from __future__ import annotations

import os
import runpy
import sys


def find(app: str) -> str | None:
    """The application file: next to this file, in the working folder, or on the PYTHONPATH."""
    if os.path.isabs(app) and os.path.isfile(app):
        return app
    here = os.path.dirname(os.path.abspath(__file__))
    for folder in [here, os.getcwd(), *sys.path]:
        candidate = os.path.join(folder or ".", app)
        if os.path.isfile(candidate):
            return candidate
    return None


def main(argv: list[str]) -> int:
    if not argv:
        sys.stderr.write("usage: sm2aml_spark.py APP [ARGS...]\n")
        return 2
    app, args = argv[0], argv[1:]
    path = find(app)
    if path is None:
        sys.stderr.write(
            f"sm2aml: the Spark application {app} is not in the component's code; "
            "fetch it with data_migration/fetch_code.sh and list it under py_files\n"
        )
        return 2
    sys.argv = [path, *args]
    folder = os.path.dirname(path)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    runpy.run_path(path, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
