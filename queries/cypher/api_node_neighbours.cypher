// name: api_node_neighbours
// zh: 节点及其关联节点 · en: A node with its relationships and the nodes at their other end
// params: $node_id (the node), $scope_id (a street or community id: the node
//      and its neighbours only in its subtree, by the scope rule of api_node;
//      null for no scope), $rel_type (only this relationship type; null for
//      all), $direction ('out', 'in' or null for both), $offset, $limit (the
//      page)
// row: id, labels, properties, total, items — one row: the node, how many
//      relationships it has, and the page of them, each {direction, type,
//      properties, id, name, labels} ordered by type, outgoing first, then the
//      other node's id; no row when no node has the id or it lies outside the
//      scope
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
CALL (node, scope) {
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
  RETURN collect({
    direction: direction,
    type: type(relationship),
    properties: properties(relationship),
    id: other.id,
    name: other.name,
    labels: labels(other)
  }) AS rows
}
RETURN node.id AS id, labels(node) AS labels, properties(node) AS properties,
       size(rows) AS total, rows[$offset..$offset + $limit] AS items
