"""The API's routes, one module per resource, each with an ``APIRouter``
named ``router`` (``APIRouter(prefix=…, tags=[…])``).

:func:`api.main.create_app` includes every module of this package that has a
``router``, under ``/api`` unless the module sets ``PREFIX`` to something else
(``PREFIX = ""`` for the HTML pages, which live at the site's root). Routes
call functions of :mod:`queries` and :mod:`loaders`; they never hold a query.
"""
