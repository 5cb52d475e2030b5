// name: api_node_neighbours
// zh: 节点及其关联节点 · en: Nodes with their relationships and the nodes at their other end
// params: $node_ids (the nodes), $scope_id (a street or community id: the node
//      and its neighbours only in its subtree, by the scope rule of fragments/in_scope;
//      null for no scope), $rel_type (only this relationship type; null for
//      all), $direction ('out', 'in' or null for both), $offset, $limit (the
//      page)
// row: id, labels, properties, total, items — one row per node: the node,
//      how many relationships it has, and the page of them, each {direction,
//      type, properties, id, name, labels} ordered by type, outgoing first,
//      then the other node's id; no row for an id that names no node or one
//      outside the scope
UNWIND $node_ids AS node_id
CALL (node_id) {
  // include: node_by_id(id=node_id)
}
OPTIONAL MATCH (scope:Place {id: $scope_id})
WITH node, scope
WHERE
  // include: in_scope(node=node)
CALL (node, scope) {
  MATCH (node)-[relationship]-(other)
  WHERE ($rel_type IS NULL OR type(relationship) = $rel_type)
    AND ($direction IS NULL
         OR ($direction = 'out' AND startNode(relationship) = node)
         OR ($direction = 'in' AND endNode(relationship) = node))
    AND (
      // include: in_scope(node=other)
    )
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
