"""arsearch indexer: corpus files -> articles -> passages -> Arabic analysis -> Whoosh index.

Nothing here imports ``search`` or ``cli``: the data flows one way.
"""
