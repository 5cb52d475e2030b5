// name: building_without_head
// audit: G05 · severity: medium
// zh: 楼栋未配楼长 · en: Building without a building head
// note: medium — one of the three heads (三长); a building without its head
//      loses its first contact, but the grid worker still reaches it.
// params: $as_of (date: the day judged; null = today), $community_id (optional: one
//      community only), $street_id (optional: one street only)
// row: node_id, name, kind, community_id, detail — one building no person
//      HOLDS the post building_head that
//      day ($as_of; the building existing then)
// Posts are read from the node's own relationships: a HOLDS(post) index
// seek would scan every holder of the post for each node.
MATCH (building:Building)
WHERE
  // include: alive_on(node=building)
  AND NOT 'building_head' IN [(building)<-[held:HOLDS]-(:Person) WHERE
    // include: held_on(post=held)
    | held.post]
WITH building,
     [(building)-[:PART_OF*0..6]->(community:Community) | community.id][0] AS community_id,
     [(building)-[:PART_OF*0..6]->(street:Street) | street.id][0] AS in_street
WHERE ($community_id IS NULL OR community_id = $community_id)
  AND ($street_id IS NULL OR in_street = $street_id)
RETURN building.id AS node_id, building.name AS name, building.kind AS kind, community_id,
       'no building head' AS detail
ORDER BY node_id
