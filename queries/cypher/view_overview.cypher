// name: view_overview
// params: $scope_id (a city, county or street; a community gives itself),
//      $as_of (date: the day shown; null = today)
// row: id, name, households, street_id, street_name, areas, branches, grids,
//      open_needs — one community PART_OF the scope (at any depth), as a
//      roll-up record of visualize.model.rollups_from_records without its
//      findings: its households, the street it is PART_OF (null when none),
//      how many residential areas and grids are PART_OF it, how many of its
//      areas an area_branch LEADS, and how many needs with status open were
//      RAISED_IN it or a place below it; only the communities, areas, grids
//      and branches existing on $as_of, and the needs raised by then
MATCH (scope:Place {id: $scope_id})
MATCH (community:Community)-[:PART_OF*0..3]->(scope)
WHERE
  // include: alive_on(node=community)
OPTIONAL MATCH (community)-[:PART_OF]->(street:Street)
RETURN community.id AS id, community.name AS name, community.households AS households,
       street.id AS street_id, street.name AS street_name,
       COUNT {
         MATCH (area:ResidentialArea)-[:PART_OF]->(community)
         WHERE
           // include: alive_on(node=area)
       } AS areas,
       COUNT {
         MATCH (area:ResidentialArea)-[:PART_OF]->(community)
         WHERE
           // include: alive_on(node=area)
           AND 'area_branch' IN [(area)<-[:LEADS]-(org:PartyOrg) WHERE
             // include: alive_on(node=org)
             | org.level]
       } AS branches,
       COUNT {
         MATCH (grid:Grid)-[:PART_OF]->(community)
         WHERE
           // include: alive_on(node=grid)
       } AS grids,
       COUNT {
         MATCH (need:Need)-[:RAISED_IN]->(:Place)-[:PART_OF*0..3]->(community)
         WHERE need.status = 'open' AND need.raised_on <= $as_of
       } AS open_needs
ORDER BY street_id, id
