// fragment: alive_on
// args: {{node}} (a place, a party organization or an organization)
// note: a predicate: the node exists on the day $as_of — established on or
//      before it (or with no established) and not dissolved on or before it:
//      a place dissolved on D no longer exists on D
(({{node}}).established IS NULL OR ({{node}}).established <= $as_of)
  AND (({{node}}).dissolved IS NULL OR ({{node}}).dissolved > $as_of)
