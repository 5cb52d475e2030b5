// name: api_expand
// zh: 向外扩展一层 · en: One step out from some nodes, for a neighbourhood view
// params: $node_ids (the frontier), $scope_id (only nodes in this street or
//      community, by the scope rule of fragments/in_scope; null for no scope),
//      $max_rows (at most this many rows)
// row: source, target, type, properties, other — one relationship between a
//      frontier node and a node in the scope (source and target are ids, as
//      the relationship points), with the node at the other end:
//      {id, labels, properties}
UNWIND $node_ids AS node_id
CALL (node_id) {
  // include: node_by_id(id=node_id)
}
OPTIONAL MATCH (scope:Place {id: $scope_id})
MATCH (node)-[relationship]-(other)
WHERE
  // include: in_scope(node=other)
WITH relationship, other
ORDER BY other.id, type(relationship)
LIMIT $max_rows
RETURN startNode(relationship).id AS source, endNode(relationship).id AS target,
       type(relationship) AS type, properties(relationship) AS properties,
       {id: other.id, labels: labels(other), properties: properties(other)} AS other
