"""arsearch's local web page: the same search library as the CLI, shown right to left in a browser.

Terminals disagree on right-to-left text (some reorder it, some print it left to right); a browser
shows Arabic as its readers expect and lets them narrow a search by clicking an actor or a topic.
``create_app`` builds the Flask app; ``arsearch serve`` (cli/serve.py) runs it on loopback.
"""

from arsearch.web.app import create_app

__all__ = ["create_app"]
