// name: unit_without_project
// audit: G11 · severity: low
// zh: 驻社区单位未开展共建项目 · en: Stationed unit running no co-building project
// note: low — 共驻共建 asks every stationed unit to run projects by its duties;
//      an idle unit is capacity left unused, not a service that failed.
// params: $as_of (date: the day judged; null = today), $community_id (optional: one
//      community only), $street_id (optional: one street only)
// row: node_id, name, kind (stationed_unit), community_id (of the place it is
//      BASED_IN; null above the community), detail — one :StationedUnit existing
//      on $as_of that
//      RUNS no :Project
MATCH (unit:StationedUnit)
WHERE
  // include: alive_on(node=unit)
  AND NOT EXISTS { (unit)-[:RUNS]->(:Project) }
OPTIONAL MATCH (unit)-[:BASED_IN]->(place:Place)
WITH unit, place,
     [(place)-[:PART_OF*0..6]->(community:Community) | community.id][0] AS community_id,
     [(place)-[:PART_OF*0..6]->(street:Street) | street.id][0] AS in_street
WHERE ($community_id IS NULL OR community_id = $community_id)
  AND ($street_id IS NULL OR in_street = $street_id)
RETURN unit.id AS node_id, unit.name AS name, unit.kind AS kind, community_id,
       'runs no co-building project' AS detail
ORDER BY node_id
