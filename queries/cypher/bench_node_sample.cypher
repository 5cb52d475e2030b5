// name: bench_node_sample
// params: $count (how many nodes, spread evenly over the ids)
// row: node_id — one place, party organization, organization or person, for
//      the benchmark's node-with-neighbours requests
MATCH (node)
WHERE node:Place OR node:PartyOrg OR node:Organization OR node:Person
WITH node.id AS node_id ORDER BY node_id
WITH collect(node_id) AS ids
UNWIND range(0, $count - 1) AS step
WITH DISTINCT ids[toInteger(step * size(ids) / $count)] AS node_id
WHERE node_id IS NOT NULL
RETURN node_id
