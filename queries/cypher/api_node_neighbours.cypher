// name: api_node_neighbours
// zh: 节点的关联节点 · en: A node's relationships and the nodes at their other end
// params: $node_id (the node), $scope_id (a street or community id: only
//      neighbours in its subtree, by the scope rule of api_node; null for no
//      scope), $rel_type (only this relationship type; null for all),
//      $direction ('out', 'in' or null for both), $offset, $limit (the page)
// row: total, items — one row: how many relationships there are, and the
//      page of them, each {direction, type, properties, id, name, labels}
//      ordered by type, outgoing first, then the other node's id
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
MATCH (node)-[relationship]-(other)
WHERE ($rel_type IS NULL OR type(relationship) = $rel_type)
  AND ($direction IS NULL
       OR ($direction = 'out' AND startNode(relationship) = node)
       OR ($direction = 'in' AND endNode(relationship) = node))
  AND ($scope_id IS NULL OR other:Category OR (scope IS NOT NULL AND (
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
  )))
WITH relationship, other,
     CASE WHEN startNode(relationship) = node THEN 'out' ELSE 'in' END AS direction
ORDER BY type(relationship), direction DESC, other.id
WITH collect({
  direction: direction,
  type: type(relationship),
  properties: properties(relationship),
  id: other.id,
  name: other.name,
  labels: labels(other)
}) AS rows
RETURN size(rows) AS total, rows[$offset..$offset + $limit] AS items
