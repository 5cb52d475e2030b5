// name: grid_without_head
// audit: G04 · severity: medium
// zh: 网格未配网格长 · en: Grid without a grid head
// note: medium — the grid head (网格长) leads the grid's volunteers; the grid
//      worker still covers the grid without one.
// params: $as_of (date: the day judged; null = today), $community_id (optional: one
//      community only), $street_id (optional: one street only)
// row: node_id, name, kind, community_id, detail — one grid no person HOLDS the
//      post grid_head that
//      day ($as_of; the grid existing then)
// Posts are read from the node's own relationships: a HOLDS(post) index
// seek would scan every holder of the post for each node.
MATCH (grid:Grid)
WHERE
  // include: alive_on(node=grid)
  AND NOT 'grid_head' IN [(grid)<-[held:HOLDS]-(:Person) WHERE
    // include: held_on(post=held)
    | held.post]
WITH grid,
     [(grid)-[:PART_OF*0..6]->(community:Community) | community.id][0] AS community_id,
     [(grid)-[:PART_OF*0..6]->(street:Street) | street.id][0] AS in_street
WHERE ($community_id IS NULL OR community_id = $community_id)
  AND ($street_id IS NULL OR in_street = $street_id)
RETURN grid.id AS node_id, grid.name AS name, grid.kind AS kind, community_id,
       'no grid head' AS detail
ORDER BY node_id
