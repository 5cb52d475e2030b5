// name: unit_without_head
// audit: G06 · severity: low
// zh: 单元未配单元长 · en: Unit without a unit head
// note: low — the finest of the three heads (三长); the building head above it
//      usually covers a unit without its own.
// params: $as_of (date: the day judged; null = today), $community_id (optional: one
//      community only), $street_id (optional: one street only)
// row: node_id, name, kind, community_id, detail — one unit no person HOLDS the
//      post unit_head that
//      day ($as_of; the unit existing then)
// Posts are read from the node's own relationships: a HOLDS(post) index
// seek would scan every holder of the post for each node.
MATCH (unit:Unit)
WHERE
  // include: alive_on(node=unit)
  AND NOT 'unit_head' IN [(unit)<-[held:HOLDS]-(:Person) WHERE
    // include: held_on(post=held)
    | held.post]
WITH unit,
     [(unit)-[:PART_OF*0..6]->(community:Community) | community.id][0] AS community_id,
     [(unit)-[:PART_OF*0..6]->(street:Street) | street.id][0] AS in_street
WHERE ($community_id IS NULL OR community_id = $community_id)
  AND ($street_id IS NULL OR in_street = $street_id)
RETURN unit.id AS node_id, unit.name AS name, unit.kind AS kind, community_id,
       'no unit head' AS detail
ORDER BY node_id
