// name: api_in_scope
// zh: 节点是否在授权范围内 · en: Which of some nodes exist within the caller's scope
// params: $node_ids (ids), $scope_id (a street or community id; null for no
//      scope)
// row: id, labels — one of $node_ids that names a node in the scope (the
//      scope rule of api_node); ids of no node, or outside the scope, give no row
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
WITH node, scope
WHERE $scope_id IS NULL OR node:Category OR (scope IS NOT NULL AND (
  EXISTS {
    MATCH (node)-[:HOLDS|EMPLOYED_BY|RAISED_IN|LOCATED_IN|COVERS|SERVES|LEADS|BASED_IN*0..2]->(place:Place)
    WHERE EXISTS { (place)-[:PART_OF*0..6]->(scope) }
       OR ((node:Service OR node:Project) AND EXISTS { (scope)-[:PART_OF*1..6]->(place) })
  }
  OR (node:Service AND NOT EXISTS { (node)-[:COVERS]->() } AND EXISTS {
    MATCH (node)<-[:OFFERS]-()-[:BASED_IN|LEADS]->(place:Place)
    WHERE EXISTS { (place)-[:PART_OF*0..6]->(scope) }
       OR EXISTS { (scope)-[:PART_OF*1..6]->(place) }
  })
))
RETURN DISTINCT node.id AS id, labels(node) AS labels
