// name: org_without_secretary
// audit: G02 · severity: high
// zh: 党组织未配书记 · en: Party organization without a secretary
// note: high — 逐级呼叫、分级回应 calls each level's secretary; an
//      organization without one breaks the escalation route at that level.
// params: $as_of (date: the day judged; null = today), $community_id (optional: one
//      community only), $street_id (optional: one street only)
// row: node_id, name, kind (the org's level), community_id (of the place it
//      LEADS; null above the community), detail — one party organization existing
//      on $as_of at which no person HOLDS the post secretary that day
// Posts are read from the node's own relationships: a HOLDS(post) index
// seek would scan every holder of the post for each node.
MATCH (org:PartyOrg)
WHERE
  // include: alive_on(node=org)
  AND NOT 'secretary' IN [(org)<-[held:HOLDS]-(:Person) WHERE
    // include: held_on(post=held)
    | held.post]
OPTIONAL MATCH (org)-[:LEADS]->(place:Place)
WITH org, place,
     [(place)-[:PART_OF*0..6]->(community:Community) | community.id][0] AS community_id,
     [(place)-[:PART_OF*0..6]->(street:Street) | street.id][0] AS in_street
WHERE ($community_id IS NULL OR community_id = $community_id)
  AND ($street_id IS NULL OR in_street = $street_id)
RETURN org.id AS node_id, org.name AS name, org.level AS kind, community_id,
       'no secretary' + coalesce(' (leads ' + place.id + ')', '') AS detail
ORDER BY node_id
