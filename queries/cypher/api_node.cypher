// name: api_node
// zh: 按编号查节点 · en: A node by id, within the caller's scope
// params: $node_id (the id), $scope_id (a street or community id: only nodes
//      in its subtree; null for no scope)
// row: id, labels, properties — the node; no row when no node has the id or
//      it lies outside the scope
// note: the scope rule is fragments/in_scope.cypher
CALL () {
  // include: node_by_id(id=$node_id)
}
OPTIONAL MATCH (scope:Place {id: $scope_id})
WITH node, scope
WHERE
  // include: in_scope(node=node)
RETURN node.id AS id, labels(node) AS labels, properties(node) AS properties
