// name: view_neighbours
// params: $element_ids (element ids of the nodes to expand), $labels (null:
//      any label; else only neighbours carrying one of these labels, family
//      labels such as Place included), $limit (the most neighbours returned),
//      $as_of (date: the day shown; null = today)
// row: element_id, record — one node joined to one of the given nodes by a
//      relationship of any type and direction (the given nodes themselves
//      may come back as each other's neighbours), as a record of
//      visualize.model.from_records (see view_node); the first $limit by id.
//      As of $as_of: a post (HOLDS) joins only while it is held, and a place,
//      party organization or organization is a neighbour only while it exists
UNWIND $element_ids AS element_id
MATCH (node)
WHERE elementId(node) = element_id
MATCH (node)-[relationship]-(other)
WHERE ($labels IS NULL OR any(label IN labels(other) WHERE label IN $labels))
  AND (type(relationship) <> 'HOLDS' OR
    // include: held_on(post=relationship)
  )
  AND (NOT (other:Place OR other:PartyOrg OR other:Organization) OR
    // include: alive_on(node=other)
  )
WITH DISTINCT other
ORDER BY other.id
LIMIT $limit
RETURN elementId(other) AS element_id,
       // include: view_record(node=other)
       AS record
