"""What the API's routes and the planners' pages both call: one module per
resource, whose functions take the connection and the caller's token, apply
the token's scope, run the query functions of :mod:`queries`, mask personal
data for viewers (:mod:`queries.masking`) and return the public models of
:mod:`api.models`.

Each public model is built from its query record in exactly one function
here (``…_public`` for a page of it, ``…_document`` for the whole of it, as
``civicgraph … --json`` prints it); those take no connection, so the command
line builds its JSON with them from the records it already holds. A route
or a page holds no query and builds no answer of its own: it reads the
request, calls one function here, and wraps the result in its response.
"""
