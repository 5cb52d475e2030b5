// name: scorecard_communities
// params: $as_of (date: the day of the audit; null = today), $community_id
//      (optional: one community only), $street_id (optional: one street only)
// row: community_id, community_name, street_id, street_name, county_id,
//      county_name, areas, grids, buildings, units, open_needs — one community,
//      the street and county it is PART_OF (null when missing), and how many
//      residential areas, grids, buildings and units lie in it and how many
//      open needs were RAISED_IN it or a place below it: the denominators of
//      the community scorecard (the numerators are these minus the audit's
//      findings). As the audit does, it counts only the communities and places
//      existing on $as_of, and the needs raised by then.
MATCH (community:Community)
WHERE ($community_id IS NULL OR community.id = $community_id)
  AND
  // include: alive_on(node=community)
OPTIONAL MATCH (community)-[:PART_OF]->(street:Street)
WITH community, street
WHERE $street_id IS NULL OR street.id = $street_id
OPTIONAL MATCH (street)-[:PART_OF]->(county:County)
RETURN community.id AS community_id, community.name AS community_name,
       street.id AS street_id, street.name AS street_name,
       county.id AS county_id, county.name AS county_name,
       COUNT {
         MATCH (area:ResidentialArea)-[:PART_OF]->(community)
         WHERE
           // include: alive_on(node=area)
       } AS areas,
       COUNT {
         MATCH (grid:Grid)-[:PART_OF]->(community)
         WHERE
           // include: alive_on(node=grid)
       } AS grids,
       COUNT {
         MATCH (building:Building)-[:PART_OF]->(:ResidentialArea)-[:PART_OF]->(community)
         WHERE
           // include: alive_on(node=building)
       } AS buildings,
       COUNT {
         MATCH (unit:Unit)-[:PART_OF]->(:Building)-[:PART_OF]->(:ResidentialArea)
               -[:PART_OF]->(community)
         WHERE
           // include: alive_on(node=unit)
       } AS units,
       COUNT {
         MATCH (need:Need)-[:RAISED_IN]->(:Place)-[:PART_OF*0..3]->(community)
         WHERE need.status = 'open' AND need.raised_on <= $as_of
       } AS open_needs
ORDER BY county_id, street_id, community_id
