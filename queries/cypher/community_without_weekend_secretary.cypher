// name: community_without_weekend_secretary
// audit: G08 · severity: low
// zh: 社区未配周末书记 · en: Community without a weekend secretary
// note: low — the weekend secretary from a stationed unit (周末书记) adds
//      weekend hours and a unit's help; the community's own secretary remains.
// params: $as_of (date: the day judged; null = today), $community_id (optional: one
//      community only), $street_id (optional: one street only)
// row: node_id, name, kind, community_id (the community itself), detail — one
//      community no person HOLDS the post weekend_secretary that
//      day ($as_of; the community existing then)
// Posts are read from the node's own relationships: a HOLDS(post) index
// seek would scan every holder of the post for each node.
MATCH (community:Community)
WHERE
  // include: alive_on(node=community)
  AND NOT 'weekend_secretary' IN [(community)<-[held:HOLDS]-(:Person) WHERE
    // include: held_on(post=held)
    | held.post]
WITH community,
     [(community)-[:PART_OF*0..6]->(street:Street) | street.id][0] AS in_street
WHERE ($community_id IS NULL OR community.id = $community_id)
  AND ($street_id IS NULL OR in_street = $street_id)
RETURN community.id AS node_id, community.name AS name, community.kind AS kind,
       community.id AS community_id, 'no weekend secretary' AS detail
ORDER BY node_id
