// name: api_expand
// zh: 向外扩展一层 · en: One step out from some nodes, for a neighbourhood view
// params: $node_ids (the frontier), $scope_id (only nodes in this street or
//      community, by the scope rule of api_node; null for no scope),
//      $max_rows (at most this many rows)
// row: source, target, type, properties, other — one relationship between a
//      frontier node and a node in the scope (source and target are ids, as
//      the relationship points), with the node at the other end:
//      {id, labels, properties}
UNWIND $node_ids AS node_id
CALL (node_id) {
  MATCH (node:Place {id: node_id}) RETURN node
  UNION
  MATCH (node:PartyOrg {id: node_id}) RETURN node
  UNION
  MATCH (node:Organization {id: node_id}) RETURN node
  UNION
  MATCH (node:Person {id: node_id}) RETURN node
  UNION
  MATCH (node:Facility {id: node_id}) RETURN node
  UNION
  MATCH (node:Category {id: node_id}) RETURN node
  UNION
  MATCH (node:Service {id: node_id}) RETURN node
  UNION
  MATCH (node:Project {id: node_id}) RETURN node
  UNION
  MATCH (node:Need {id: node_id}) RETURN node
}
OPTIONAL MATCH (scope:Place {id: $scope_id})
MATCH (node)-[relationship]-(other)
WHERE $scope_id IS NULL OR other:Category OR (scope IS NOT NULL AND (
  EXISTS {
    MATCH (other)-[:HOLDS|EMPLOYED_BY|RAISED_IN|LOCATED_IN|COVERS|SERVES|LEADS|BASED_IN*0..2]->(place:Place)
    WHERE EXISTS { (place)-[:PART_OF*0..6]->(scope) }
       OR ((other:Service OR other:Project) AND EXISTS { (scope)-[:PART_OF*1..6]->(place) })
  }
  OR (other:Service AND NOT EXISTS { (other)-[:COVERS]->() } AND EXISTS {
    MATCH (other)<-[:OFFERS]-()-[:BASED_IN|LEADS]->(place:Place)
    WHERE EXISTS { (place)-[:PART_OF*0..6]->(scope) }
       OR EXISTS { (scope)-[:PART_OF*1..6]->(place) }
  })
))
WITH relationship, other
ORDER BY other.id, type(relationship)
LIMIT $max_rows
RETURN startNode(relationship).id AS source, endNode(relationship).id AS target,
       type(relationship) AS type, properties(relationship) AS properties,
       {id: other.id, labels: labels(other), properties: properties(other)} AS other
