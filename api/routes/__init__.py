"""The API's routes, one module per resource, each with an ``APIRouter``
named ``router`` (``APIRouter(prefix=…, tags=[…])``), and the site's own:
the pages, the token form and the static scripts.

:func:`api.main.create_app` includes the routers :data:`api.main.API_ROUTERS`
names under ``/api`` and those of :data:`api.main.SITE_ROUTERS` at the site's
root. Routes call functions of :mod:`queries` and :mod:`loaders`; they never
hold a query.
"""
