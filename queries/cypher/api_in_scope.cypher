// name: api_in_scope
// zh: 节点是否在授权范围内 · en: Which of some nodes exist within the caller's scope
// params: $node_ids (ids), $scope_id (a street or community id; null for no
//      scope)
// row: id, labels — one of $node_ids that names a node in the scope (the
//      scope rule of fragments/in_scope); ids of no node, or outside the scope, give no row
UNWIND $node_ids AS node_id
CALL (node_id) {
  // include: node_by_id(id=node_id)
}
OPTIONAL MATCH (scope:Place {id: $scope_id})
WITH node, scope
WHERE
  // include: in_scope(node=node)
RETURN DISTINCT node.id AS id, labels(node) AS labels
