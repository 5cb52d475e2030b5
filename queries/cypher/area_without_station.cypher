// name: area_without_station
// audit: G17 · severity: low
// zh: 小区无红帆驿站或居民议事站 · en: Residential area without a station or deliberation point
// note: low — 红帆驿站 / 居民议事站 give residents a place to raise things
//      (居民说事); without one they go to the community's hall instead.
// params: $as_of (date: the day judged; null = today), $community_id (optional: one
//      community only), $street_id (optional: one street only)
// row: node_id, name, kind, community_id, detail — one residential area with
//      no :Facility of kind red_sail_station or deliberation_point LOCATED_IN
//      the area or a place PART_OF it (its buildings, and their units), the
//      area and that place existing on $as_of
MATCH (area:ResidentialArea)
WHERE
  // include: alive_on(node=area)
  AND none(
    kind IN [(area)<-[:PART_OF*0..2]-(place:Place)<-[:LOCATED_IN]-(facility:Facility) WHERE
      // include: alive_on(node=place)
      | facility.kind]
    WHERE kind IN ['red_sail_station', 'deliberation_point']
  )
WITH area,
     [(area)-[:PART_OF*0..6]->(community:Community) | community.id][0] AS community_id,
     [(area)-[:PART_OF*0..6]->(street:Street) | street.id][0] AS in_street
WHERE ($community_id IS NULL OR community_id = $community_id)
  AND ($street_id IS NULL OR in_street = $street_id)
RETURN area.id AS node_id, area.name AS name, area.kind AS kind, community_id,
       'no red-sail station or deliberation point' AS detail
ORDER BY node_id
