// name: area_without_branch
// audit: G01 · severity: high
// zh: 小区未建党支部 · en: Residential area without a party branch
// note: high — the area branch is the link of the five-level chain that
//      reaches residents (小区党支部); without it an area's needs have no
//      party organization to raise them and G09's troika cannot exist.
// params: $as_of (date: the day judged; null = today), $community_id (optional: one
//      community only), $street_id (optional: one street only)
// row: node_id, name, kind, community_id, detail — one residential area that
//      that exists on $as_of and that no area_branch existing then LEADS
MATCH (area:ResidentialArea)
WHERE
  // include: alive_on(node=area)
  AND NOT 'area_branch' IN [(area)<-[:LEADS]-(org:PartyOrg) WHERE
    // include: alive_on(node=org)
    | org.level]
WITH area,
     [(area)-[:PART_OF*0..6]->(community:Community) | community.id][0] AS community_id,
     [(area)-[:PART_OF*0..6]->(street:Street) | street.id][0] AS in_street
WHERE ($community_id IS NULL OR community_id = $community_id)
  AND ($street_id IS NULL OR in_street = $street_id)
RETURN area.id AS node_id, area.name AS name, area.kind AS kind, community_id,
       'no area branch leads it' AS detail
ORDER BY node_id
