"""Checking from inside JupyterLab: the Check button (a prebuilt JupyterLab extension, in
labextension/, built from the repository's labextension/ folder), the Jupyter server extension it
calls (extension.py), and `llmcourse serve`, the check service of a class (service.py, with its
database in store.py and its grading processes in grading.py)."""


def _jupyter_server_extension_points():
    return [{"module": "autograder.jupyter"}]


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "@llmcourse/check"}]


def _load_jupyter_server_extension(server_app):
    from .extension import load
    load(server_app)
