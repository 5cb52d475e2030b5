// name: bench_mixed_sample
// params: $count (how many open needs, spread evenly over the ids)
// row: need_id, place_id, category_id, community_id, community_name — one
//      open need, where it was raised, its category and the community its
//      place lies in (null above a community), for the benchmark's mixed
//      load: new needs are raised in the same places and categories
MATCH (need:Need {status: 'open'})
WITH need ORDER BY need.id
WITH collect(need) AS needs
UNWIND range(0, $count - 1) AS step
WITH DISTINCT needs[toInteger(step * size(needs) / $count)] AS need
WHERE need IS NOT NULL
MATCH (need)-[:RAISED_IN]->(place:Place)
MATCH (need)-[:IN_CATEGORY]->(category:Category)
OPTIONAL MATCH (place)-[:PART_OF*0..3]->(community:Community)
WITH need, place, category, head(collect(community)) AS community
RETURN need.id AS need_id, place.id AS place_id, category.id AS category_id,
       community.id AS community_id, community.name AS community_name
ORDER BY need_id
