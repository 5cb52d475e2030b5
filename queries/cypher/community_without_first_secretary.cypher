// name: community_without_first_secretary
// audit: G07 · severity: medium
// zh: 社区未派驻第一书记 · en: Community without a first secretary
// note: medium — the first secretary sent by a county agency (第一书记) is the
//      community's line to the county's resources; the seed article has one in
//      every community, so a gap is a breach of the arrangement, but the
//      community committee still works without one.
// params: $as_of (date: the day judged; null = today), $community_id (optional: one
//      community only), $street_id (optional: one street only)
// row: node_id, name, kind, community_id (the community itself), detail — one
//      community no person HOLDS the post first_secretary that
//      day ($as_of; the community existing then)
// Posts are read from the node's own relationships: a HOLDS(post) index
// seek would scan every holder of the post for each node.
MATCH (community:Community)
WHERE
  // include: alive_on(node=community)
  AND NOT 'first_secretary' IN [(community)<-[held:HOLDS]-(:Person) WHERE
    // include: held_on(post=held)
    | held.post]
WITH community,
     [(community)-[:PART_OF*0..6]->(street:Street) | street.id][0] AS in_street
WHERE ($community_id IS NULL OR community.id = $community_id)
  AND ($street_id IS NULL OR in_street = $street_id)
RETURN community.id AS node_id, community.name AS name, community.kind AS kind,
       community.id AS community_id, 'no first secretary' AS detail
ORDER BY node_id
