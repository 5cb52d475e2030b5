// name: bench_mixed_writes
// params: $prefix (the start of the titles of the needs the benchmark made)
// row: title, need_id, status, satisfaction, resource_ids — one need whose
//      title starts with the prefix, with the ids of the resources it is
//      ASSIGNED_TO (one relationship each, so a duplicated assignment shows
//      as an id twice), for counting the mixed load's writes in the graph
MATCH (need:Need)
WHERE need.title STARTS WITH $prefix
OPTIONAL MATCH (need)-[:ASSIGNED_TO]->(resource)
RETURN need.title AS title, need.id AS need_id, need.status AS status,
       need.satisfaction AS satisfaction, collect(resource.id) AS resource_ids
ORDER BY need_id
