// name: api_node
// zh: 按编号查节点 · en: A node by id, within the caller's scope
// params: $node_id (the id), $scope_id (a street or community id: only nodes
//      in its subtree; null for no scope)
// row: id, labels, properties — the node; no row when no node has the id or
//      it lies outside the scope
// note: a node lies in a scope when one of its places has the scope place in
//      its PART_OF ancestry: a place is its own place; a party org's is the
//      place it LEADS, an organization's where it is BASED_IN, a need's where
//      it was RAISED_IN, a facility's where it is LOCATED_IN, a person's the
//      targets of their HOLDS and EMPLOYED_BY (an organization target counts
//      by its own place); a service's the places it COVERS (its provider's
//      when it lists none) and a project's the community it SERVES — for
//      these two an ancestor of the scope counts as well, since they serve
//      the scope. Categories are a shared taxonomy: always in scope.
CALL () {
  MATCH (node:Place {id: $node_id}) RETURN node
  UNION
  MATCH (node:PartyOrg {id: $node_id}) RETURN node
  UNION
  MATCH (node:Organization {id: $node_id}) RETURN node
  UNION
  MATCH (node:Person {id: $node_id}) RETURN node
  UNION
  MATCH (node:Facility {id: $node_id}) RETURN node
  UNION
  MATCH (node:Category {id: $node_id}) RETURN node
  UNION
  MATCH (node:Service {id: $node_id}) RETURN node
  UNION
  MATCH (node:Project {id: $node_id}) RETURN node
  UNION
  MATCH (node:Need {id: $node_id}) RETURN node
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
RETURN node.id AS id, labels(node) AS labels, properties(node) AS properties
