"""`python -m autograder.jupyter.develop`: after an editable install (`pip install -e .`, as .ci/setup
does), put the prebuilt Check button where JupyterLab looks for extensions and enable its server
side, in this environment. A wheel install does both by itself (pyproject.toml's data files), but
setuptools' editable installs skip data files."""

import shutil
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
LABEXTENSION = ("share", "jupyter", "labextensions", "@llmcourse", "check")
SERVER_CONFIG = ("etc", "jupyter", "jupyter_server_config.d", "llmcourse.json")


def develop(prefix=sys.prefix):
    """Link the built extension into `prefix` and copy the server config there; returns both paths."""
    link = Path(prefix).joinpath(*LABEXTENSION)
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.is_dir():  # a wheel install's copy, now replaced by the working tree's build
        shutil.rmtree(link)
    link.symlink_to(PACKAGE / "labextension", target_is_directory=True)
    config = Path(prefix).joinpath(*SERVER_CONFIG)
    config.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PACKAGE / "etc" / "jupyter_server_config.d" / "llmcourse.json", config)
    return link, config


if __name__ == "__main__":
    for path in develop():
        print(f"wrote {path}")
